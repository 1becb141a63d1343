import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { CHECKPOINT_FORMAT, journalPathOf } from '../../../kernel/src/checkpoint/checkpointFiles';
import { notebookCheckpointFolder } from '../../../kernel/src/checkpoint/notebookCheckpoints';

/** How far the job of one checkpoint got, as read from its files. */
export interface CheckpointProgress {
  checkpointPath: string;
  /** The dataset the job processes, when the manifest names it. */
  csvPath?: string;
  /** Rows with an outcome: the journal's lines when it is ahead of the manifest's counts. */
  settled: number;
  total: number;
}

/** The manifest fields read here; anything else in it is ignored, anything missing makes it unusable. */
interface ManifestFields {
  format?: unknown;
  counts?: { processed?: unknown; failed?: unknown; skipped?: unknown };
  dataset?: { total_rows?: unknown; csv_path?: unknown };
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

/** Complete lines of the journal (a torn last line is not an outcome). Streams, so a large journal costs no memory. */
function countJournalLines(journalPath: string): Promise<number> {
  return new Promise((resolve) => {
    let lines = 0;
    createReadStream(journalPath)
      .on('data', (chunk: Buffer | string) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lines++;
      })
      .on('error', () => resolve(lines))
      .on('end', () => resolve(lines));
  });
}

/**
 * Reads one checkpoint's manifest and journal. Undefined for anything that is not a readable
 * checkpoint of this format with a known total: a torn, foreign or older file must not break the
 * status bar, it simply shows nothing for it.
 */
export async function readCheckpointProgress(checkpointPath: string): Promise<CheckpointProgress | undefined> {
  let manifest: ManifestFields;
  try {
    manifest = JSON.parse(await readFile(checkpointPath, 'utf8')) as ManifestFields;
  } catch {
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== CHECKPOINT_FORMAT) return undefined;
  const total = count(manifest.dataset?.total_rows);
  if (total === 0) return undefined;
  const counted = count(manifest.counts?.processed) + count(manifest.counts?.failed) + count(manifest.counts?.skipped);
  // The manifest is rewritten every few videos; the journal has every finished one. A retried
  // failure adds a second line for its row, hence the cap.
  const journalLines = await countJournalLines(journalPathOf(checkpointPath));
  return {
    checkpointPath,
    ...(typeof manifest.dataset?.csv_path === 'string' ? { csvPath: manifest.dataset.csv_path } : {}),
    settled: Math.min(total, Math.max(counted, journalLines)),
    total,
  };
}

/** The unfinished jobs among the checkpoints beside a notebook, most recently written first. */
export async function unfinishedJobsOf(notebookPath: string): Promise<CheckpointProgress[]> {
  const folder = notebookCheckpointFolder(notebookPath);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const found = await Promise.all(names.map(async (name) => {
    const checkpointPath = path.join(folder, name);
    const progress = await readCheckpointProgress(checkpointPath);
    if (!progress || progress.settled >= progress.total) return undefined;
    const modified = await stat(checkpointPath).then((info) => info.mtimeMs, () => 0);
    return { progress, modified };
  }));
  return found.flatMap((entry) => (entry ? [entry] : [])).sort((a, b) => b.modified - a.modified).map((entry) => entry.progress);
}
