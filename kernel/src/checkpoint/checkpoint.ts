import { existsSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { VideoRow } from '../csv/videoRows';
import { ALL_ROWS, SelectedRows } from '../csv/rowSelection';
import { hostName } from '../cluster/hostIdentity';
import { journalPathOf } from './checkpointFiles';
import { removeAbandonedTemporaries, syncDirectory, writeFileAtomically, writeFully } from './atomicFile';
import { lockCheckpoint, type CheckpointLock } from './checkpointLock';
import { moveCheckpointAside } from './freshStart';
import { loadOrCreateManifest, writeManifest, type CheckpointIdentity, type CheckpointManifest } from './checkpointManifest';
import { journalLine, readJournalLines, replayJournal, type JournalSample } from './journal';
import type { ProcessingRecord } from './processingRecord';
import { ResultRecords } from './resultRecords';
import type { FailureKindCounts } from '../stats/failureKinds';
import { RowOutcomes, type IndexedOutcome, type RecordStatus } from './rowOutcomes';
import { isStorageFull, StorageFullError } from './storageFull';

export interface CheckpointOpenOptions {
  /** Move an existing checkpoint (damaged, or another job's) aside and start a new one. */
  fresh?: boolean;
  /** How long the lock's lease lasts unrenewed, in seconds (see `lockCheckpoint`). */
  leaseSeconds?: number;
}

/** `videos.csv` -> `videos.vbk-checkpoint.json` beside it (likewise for a notebook). */
export function defaultCheckpointPath(csvOrNotebookPath: string): string {
  const parsed = path.parse(path.resolve(csvOrNotebookPath));
  return path.join(parsed.dir, `${parsed.name}.vbk-checkpoint.json`);
}

/** The rows a checkpoint tells apart: by number, which the dataset fingerprint ties to one id. */
export type CheckpointRow = Pick<VideoRow, 'rowNumber'>;

/** One row's outcome to journal. */
export interface CheckpointEntry {
  row: CheckpointRow;
  record: ProcessingRecord;
  /** Where the row's WebDataset sample went, when it has one. */
  sample?: JournalSample;
}

/** Lines that go out in one write: one row's, or a batch's that must be durable together. */
interface QueuedAppend {
  rows: { row: number; outcome: IndexedOutcome; length: number }[];
  samples: JournalSample[];
  lines: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Crash-exact progress of one job: an append-only journal (`<path>.journal`, one JSON line per
 * finished row), fsync'd before an outcome counts, so a crash or kill at any moment loses at most
 * the videos in flight. Opening replays the journal once (linear in its size); appending costs one
 * line, batched with concurrent appends into one write and one fsync (group commit). Only a small
 * index stays in memory (`RowOutcomes`); records are read back from the journal when asked for.
 */
export class Checkpoint {
  private queue: QueuedAppend[] = [];
  private flushing?: Promise<void>;
  private journalBytes: number;
  private manifestSaving: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly manifest: CheckpointManifest,
    private journal: FileHandle,
    journalBytes: number,
    private readonly outcomes: RowOutcomes,
    private readonly lock: CheckpointLock,
    private furthestSample: JournalSample | undefined,
  ) {
    this.journalBytes = journalBytes;
  }

  /** Aborts when another run took the checkpoint over (this one stalled past its lease); its reason says who. */
  get leaseLost(): AbortSignal {
    return this.lock.lost;
  }

  get journalPath(): string {
    return journalPathOf(this.path);
  }

  /** Rows with a recorded outcome. */
  get settledCount(): number {
    return this.outcomes.settledCount;
  }

  /** Rows with a recorded outcome, by status. */
  get counts(): Record<RecordStatus, number> {
    return this.outcomes.countsByStatus();
  }

  /** Failed rows by the kind of their latest error. */
  get failureKinds(): FailureKindCounts {
    return this.outcomes.failureKindCounts();
  }

  /**
   * Takes the lock, checks that the checkpoint belongs to this dataset and processing function (a
   * new one is created when none exists, or with `fresh`), and replays the journal.
   */
  static async open(checkpointPath: string, identity: CheckpointIdentity, options: CheckpointOpenOptions = {}): Promise<Checkpoint> {
    await mkdir(path.dirname(checkpointPath), { recursive: true });
    const lock = await lockCheckpoint(`${checkpointPath}.lock`, checkpointPath, { leaseSeconds: options.leaseSeconds });
    try {
      const journalPath = journalPathOf(checkpointPath);
      // Holding the lock, no writer of this checkpoint runs: temporaries beside it are a killed run's.
      for (const file of [checkpointPath, journalPath, `${checkpointPath}.lock`]) await removeAbandonedTemporaries(file);
      if (options.fresh) await moveCheckpointAside([checkpointPath, journalPath]);
      const manifest = await loadOrCreateManifest(checkpointPath, journalPath, identity);
      manifest.last_run = { host: hostName(), pid: process.pid, started: new Date().toISOString() };
      const location = identity.datasetLocation;
      const rows = new SelectedRows(identity.selection ?? ALL_ROWS, location?.totalRows ?? 0);
      if (location && (manifest.dataset.csv_path !== location.csvPath || manifest.dataset.total_rows !== location.totalRows || manifest.selected_rows !== rows.size)) {
        Object.assign(manifest.dataset, { csv_path: location.csvPath, total_rows: location.totalRows });
        manifest.selected_rows = rows.size;
        await writeManifest(checkpointPath, manifest);
      }
      const outcomes = new RowOutcomes(rows);
      let furthest: JournalSample | undefined;
      let lines = 0;
      if (existsSync(journalPath)) {
        const replay = await replayJournal(journalPath, (entry, span) => {
          outcomes.set(entry.row, entry.record, span.offset, span.length);
          furthest = furtherSample(furthest, entry.sample);
        });
        lines = replay.lines;
        if (replay.tornTail) await cutJournal(journalPath, replay.validBytes);
      }
      const journal = await open(journalPath, 'a+');
      // A journal created just now must stay in its folder across a power cut, not only its lines.
      if (lines === 0) await syncDirectory(path.dirname(journalPath));
      const checkpoint = new Checkpoint(checkpointPath, manifest, journal, (await journal.stat()).size, outcomes, lock, furthest);
      // Lines superseded by later outcomes of the same row (retried failures) are dropped once they
      // outnumber the live ones, so the journal stays within twice the dataset.
      if (lines > 2 * outcomes.settledCount && lines > 1000) await checkpoint.compact();
      return checkpoint;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** The status an earlier run (or this one) recorded for this row, if any. */
  statusOf(row: CheckpointRow): RecordStatus | undefined {
    return this.outcomes.statusOf(row.rowNumber);
  }

  /** Records the row's outcome; resolves once it is on disk. */
  append(row: CheckpointRow, record: ProcessingRecord): Promise<void> {
    return this.appendAll([{ row, record }]);
  }

  /**
   * Records several rows' outcomes in one write, so that a crash keeps a prefix of them, never a
   * later one without an earlier one (samples in a shard rely on it); resolves once all are on disk.
   */
  appendAll(entries: readonly CheckpointEntry[]): Promise<void> {
    const lines = entries.map(({ row, record, sample }) => journalLine({ row: row.rowNumber, ...(sample ? { sample } : {}), record }));
    const rows = entries.map(({ row, record }, at) => ({ row: row.rowNumber, outcome: { status: record.status, error: record.error }, length: lines[at].length }));
    const samples = entries.flatMap(({ sample }) => (sample ? [sample] : []));
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, samples, lines: Buffer.concat(lines), resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** The last sample the journal places in the WebDataset shards (the highest shard, its furthest end). */
  get lastSample(): JournalSample | undefined {
    return this.furthestSample;
  }

  /**
   * Every row's latest record, in CSV order, read back from the journal as the caller iterates or
   * pages (a results file of any size is written from this without holding it whole). Stays
   * readable after `close`.
   */
  get records(): ResultRecords {
    return ResultRecords.of(this.journalPath, this.journal.fd, this.outcomes);
  }

  /** Whether the results files in `outputDir` were last written from exactly this journal. */
  resultsCurrentIn(outputDir: string): boolean {
    const written = this.manifest.results_written;
    return written !== undefined && written.output_dir === outputDir && written.journal_bytes === this.journalBytes && this.queue.length === 0 && !this.flushing;
  }

  /** Notes that the results files in `outputDir` now hold every record journaled so far. */
  async noteResultsWritten(outputDir: string, journalBytes: number): Promise<void> {
    this.manifest.results_written = { output_dir: outputDir, journal_bytes: journalBytes };
    await this.saveManifest();
  }

  /** The journal's size: what every acknowledged outcome occupies. */
  get journalSize(): number {
    return this.journalBytes;
  }

  /** Rewrites the small manifest with the current counts (O(1); the caller bounds how often). */
  saveManifest(): Promise<void> {
    const save = async () => {
      // The manifest is the checkpoint's: once another run took it over, that run's to write.
      if (!(await this.lock.holds())) return;
      Object.assign(this.manifest, { updated: new Date().toISOString(), counts: this.outcomes.countsByStatus() });
      await writeManifest(this.path, this.manifest);
    };
    this.manifestSaving = this.manifestSaving.then(save, save);
    return this.manifestSaving;
  }

  /** Rewrites the journal with only each row's latest line, atomically. Runs at open, before any append. */
  private async compact(): Promise<void> {
    const spans = [...this.outcomes.spansInRowOrder()];
    await writeFileAtomically(this.journalPath, async (append) => {
      for (const line of readJournalLines(this.journal.fd, spans)) await append(line.toString('utf8'));
    });
    await this.journal.close();
    this.journal = await open(this.journalPath, 'a+');
    let offset = 0;
    for (const span of spans) {
      this.outcomes.move(span.row, offset, span.length);
      offset += span.length;
    }
    this.journalBytes = offset;
  }

  /** Waits for pending appends, saves the manifest, releases the lock (each only while the lock is this run's). */
  async close(): Promise<void> {
    await this.flushing;
    await this.saveManifest().catch(() => undefined);
    await this.journal.close();
    await this.lock.release();
  }

  /** Group commit: whatever queued while the last write was syncing goes out in one write and one fsync. */
  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      const startsAt = this.journalBytes;
      if (!(await this.lock.holds())) {
        // Another run took the checkpoint over: its journal is that run's now, and none of these counted.
        for (const item of batch) item.reject(this.lock.lost.reason as Error);
        continue;
      }
      try {
        await writeFully(this.journal, Buffer.concat(batch.map((item) => item.lines)));
        await this.journal.datasync();
      } catch (error) {
        // Cut a partly written batch off, so the next append does not follow a broken line.
        await this.journal.truncate(startsAt).catch(() => undefined);
        const failure = isStorageFull(error)
          ? new StorageFullError(`no space left on device while appending to the checkpoint journal ${this.journalPath}`)
          : new Error(`cannot write checkpoint journal ${this.journalPath}: ${(error as Error).message}`);
        for (const item of batch) item.reject(failure);
        continue;
      }
      let offset = startsAt;
      for (const item of batch) {
        for (const sample of item.samples) this.furthestSample = furtherSample(this.furthestSample, sample);
        for (const { row, outcome, length } of item.rows) {
          this.outcomes.set(row, outcome, offset, length);
          offset += length;
        }
        item.resolve();
      }
      this.journalBytes = offset;
    }
    this.flushing = undefined;
  }
}

export function openCheckpoint(checkpointPath: string, identity: CheckpointIdentity, options?: CheckpointOpenOptions): Promise<Checkpoint> {
  return Checkpoint.open(checkpointPath, identity, options);
}


/** Drops the torn tail a kill left (its append never resolved, so it never counted). */
async function cutJournal(journalPath: string, validBytes: number): Promise<void> {
  const handle = await open(journalPath, 'r+');
  try {
    await handle.truncate(validBytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The later of two sample positions: the higher shard, or in the same shard the further end. */
function furtherSample(known: JournalSample | undefined, seen: JournalSample | undefined): JournalSample | undefined {
  if (!seen) return known;
  if (!known || seen.shardIndex > known.shardIndex || (seen.shardIndex === known.shardIndex && seen.endBytes > known.endBytes)) return seen;
  return known;
}
