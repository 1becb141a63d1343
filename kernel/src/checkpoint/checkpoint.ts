import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from '../inputError';
import type { VideoRow } from '../csv/videoRows';
import { writeFileAtomically } from './atomicFile';
import { lockCheckpoint } from './checkpointLock';
import type { ProcessingRecord } from './processingRecord';

const FORMAT = 'video-batch-kernel-checkpoint';
const VERSION = 1;

/** The small JSON file at the checkpoint path; the journal beside it holds the outcomes. */
interface CheckpointManifest {
  format: typeof FORMAT;
  version: number;
  dataset_fingerprint: string;
  processing_fingerprint: string;
  created: string;
  updated: string;
  journal: string;
  counts: Record<ProcessingRecord['status'], number>;
}

/** One journal line: the row's outcome and where the row stands in the CSV. */
interface JournalEntry {
  row: number;
  key: string;
  record: ProcessingRecord;
}

export interface CheckpointIdentity {
  datasetFingerprint: string;
  processingFingerprint: string;
}

/** `videos.csv` -> `videos.vbk-checkpoint.json` beside it (likewise for a notebook). */
export function defaultCheckpointPath(csvOrNotebookPath: string): string {
  const parsed = path.parse(path.resolve(csvOrNotebookPath));
  return path.join(parsed.dir, `${parsed.name}.vbk-checkpoint.json`);
}

/**
 * A row's key in the checkpoint: its id; rows that are skipped for a problem (a duplicate or empty
 * id, an empty path) by their row number, so they never shadow the row that owns the id.
 */
export function rowKey(row: Pick<VideoRow, 'id' | 'rowNumber' | 'problem'>): string {
  return row.problem ? `row:${row.rowNumber}` : `id:${row.id}`;
}

interface QueuedAppend {
  line: string;
  entry: JournalEntry;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Crash-exact progress of one job: an append-only journal, fsync'd before an outcome counts, so a
 * crash or kill at any moment loses at most the videos in flight. Opening replays the journal once
 * (linear in its size); appending costs one line, batched with concurrent appends into one fsync.
 */
export class Checkpoint {
  private readonly entries = new Map<string, JournalEntry>();
  private queue: QueuedAppend[] = [];
  private flushing?: Promise<void>;

  private constructor(
    readonly path: string,
    private readonly manifest: CheckpointManifest,
    private readonly journal: FileHandle,
    private readonly unlock: () => Promise<void>,
  ) {}

  get journalPath(): string {
    return `${this.path}.journal`;
  }

  /** Rows whose outcome an earlier run recorded. */
  get settledCount(): number {
    return this.entries.size;
  }

  static async open(checkpointPath: string, identity: CheckpointIdentity): Promise<Checkpoint> {
    await mkdir(path.dirname(checkpointPath), { recursive: true });
    const unlock = await lockCheckpoint(`${checkpointPath}.lock`, checkpointPath);
    try {
      const journalPath = `${checkpointPath}.journal`;
      const manifest = await loadOrCreateManifest(checkpointPath, journalPath, identity);
      const entries = await replayJournal(journalPath);
      const journal = await open(journalPath, 'a');
      const checkpoint = new Checkpoint(checkpointPath, manifest, journal, unlock);
      for (const entry of entries) checkpoint.entries.set(entry.key, entry);
      return checkpoint;
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  /** The status an earlier run recorded for this row, if any. */
  statusOf(row: Pick<VideoRow, 'id' | 'rowNumber' | 'problem'>): ProcessingRecord['status'] | undefined {
    return this.entries.get(rowKey(row))?.record.status;
  }

  /** Records the row's outcome; resolves once it is on disk. */
  append(row: Pick<VideoRow, 'id' | 'rowNumber' | 'problem'>, record: ProcessingRecord): Promise<void> {
    const entry: JournalEntry = { row: row.rowNumber, key: rowKey(row), record };
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(entry)}\n`, entry, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Every row's latest record, in CSV order. */
  records(): ProcessingRecord[] {
    return [...this.entries.values()].sort((a, b) => a.row - b.row).map((entry) => entry.record);
  }

  /** Rewrites the small manifest with the current counts (bounded by the save interval). */
  async saveManifest(): Promise<void> {
    const counts = { processed: 0, failed: 0, skipped: 0 };
    for (const entry of this.entries.values()) counts[entry.record.status]++;
    Object.assign(this.manifest, { updated: new Date().toISOString(), counts });
    await writeManifest(this.path, this.manifest);
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.saveManifest().catch(() => undefined);
    await this.journal.close();
    await this.unlock();
  }

  /** Group commit: whatever queued while the last write was syncing goes out in one write and one fsync. */
  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.journal.write(batch.map((item) => item.line).join(''));
        await this.journal.datasync();
        for (const item of batch) {
          this.entries.set(item.entry.key, item.entry);
          item.resolve();
        }
      } catch (error) {
        for (const item of batch) item.reject(error as Error);
      }
    }
    this.flushing = undefined;
  }
}

export function openCheckpoint(checkpointPath: string, identity: CheckpointIdentity): Promise<Checkpoint> {
  return Checkpoint.open(checkpointPath, identity);
}

async function writeManifest(checkpointPath: string, manifest: CheckpointManifest): Promise<void> {
  await writeFileAtomically(checkpointPath, (append) => append(`${JSON.stringify(manifest, null, 2)}\n`));
}

async function loadOrCreateManifest(checkpointPath: string, journalPath: string, identity: CheckpointIdentity): Promise<CheckpointManifest> {
  if (!existsSync(checkpointPath)) {
    if (existsSync(journalPath)) {
      throw new InputError(`checkpoint ${checkpointPath} is missing but its journal ${journalPath} exists; move the journal away to start over`);
    }
    const now = new Date().toISOString();
    const manifest: CheckpointManifest = {
      format: FORMAT,
      version: VERSION,
      dataset_fingerprint: identity.datasetFingerprint,
      processing_fingerprint: identity.processingFingerprint,
      created: now,
      updated: now,
      journal: path.basename(journalPath),
      counts: { processed: 0, failed: 0, skipped: 0 },
    };
    await writeManifest(checkpointPath, manifest);
    return manifest;
  }
  const manifest = JSON.parse(await readFile(checkpointPath, 'utf8')) as CheckpointManifest;
  if (manifest.format !== FORMAT) throw new InputError(`${checkpointPath} is not a video-batch-kernel checkpoint`);
  const startOver = `use another checkpoint path, or delete ${checkpointPath} and ${journalPath} to start over`;
  if (manifest.dataset_fingerprint !== identity.datasetFingerprint) {
    throw new InputError(`checkpoint ${checkpointPath} belongs to another dataset (the CSV's contents or the columns differ): ${startOver}`);
  }
  if (manifest.processing_fingerprint !== identity.processingFingerprint) {
    throw new InputError(
      `checkpoint ${checkpointPath} was made by another processing function (${manifest.processing_fingerprint}, now ${identity.processingFingerprint}): ${startOver}`,
    );
  }
  return manifest;
}

/**
 * Reads the journal once, streaming. A kill mid-append can leave a last line without its newline:
 * that outcome never counted (its append had not resolved), so the torn tail is cut off.
 */
async function replayJournal(journalPath: string): Promise<JournalEntry[]> {
  if (!existsSync(journalPath)) return [];
  const entries: JournalEntry[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let goodBytes = 0;
  let lineNumber = 0;
  for await (const chunk of createReadStream(journalPath)) {
    pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let end = pending.indexOf(10, start); end >= 0; end = pending.indexOf(10, start)) {
      lineNumber++;
      const line = pending.subarray(start, end).toString('utf8');
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        throw new InputError(`journal ${journalPath} is damaged at line ${lineNumber}; move it away to start over`);
      }
      goodBytes += end + 1 - start;
      start = end + 1;
    }
    pending = pending.subarray(start);
  }
  if (pending.length) await truncate(journalPath, goodBytes);
  return entries;
}
