import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { ALL_ROWS, SelectedRows } from '../csv/rowSelection';
import { writeFileAtomically } from './atomicFile';
import { journalPathOf } from './checkpointFiles';
import { lockCheckpoint } from './checkpointLock';
import { readManifest, writeManifest } from './checkpointManifest';
import { readJournalLines, replayJournal } from './journal';
import { RowOutcomes, type JournalSpan } from './rowOutcomes';

/**
 * Makes the failed rows of a stopped checkpoint pending again, so that the next resume of it (the
 * same notebook cell, the same `process` command) processes exactly those rows and no other. The
 * journal is rewritten with each other row's latest line only (what compaction keeps), atomically
 * and under the checkpoint's lock: a crash leaves the old journal or the new one, and a run that
 * holds the checkpoint makes this a CheckpointLockedError naming it. Costs one pass over the journal
 * and the checkpoint's row index (13 bytes a row). Answers how many rows are pending again.
 */
export async function markFailedRowsPending(checkpointPath: string): Promise<number> {
  const lock = await lockCheckpoint(`${checkpointPath}.lock`, checkpointPath);
  try {
    const manifest = await readManifest(checkpointPath);
    const journalPath = journalPathOf(checkpointPath);
    if (!existsSync(journalPath)) return 0;
    const outcomes = new RowOutcomes(new SelectedRows(manifest.selection ?? ALL_ROWS, manifest.dataset.total_rows ?? 0));
    // A torn tail (a killed run's last append) lies past the whole lines and is not copied.
    await replayJournal(journalPath, (entry, span) => outcomes.set(entry.row, entry.record, span.offset, span.length));
    const failed = outcomes.countOf('failed');
    if (failed === 0) return 0;
    const kept: JournalSpan[] = [];
    for (const status of ['processed', 'skipped'] as const) kept.push(...outcomes.spansInRowOrder(status));
    kept.sort((a, b) => a.row - b.row);
    const journal = await open(journalPath, 'r');
    try {
      await writeFileAtomically(journalPath, async (append) => {
        for (const line of readJournalLines(journal.fd, kept)) await append(line);
      });
    } finally {
      await journal.close();
    }
    // The results files were written from the old journal: the resume writes them again.
    delete manifest.results_written;
    manifest.counts = { ...outcomes.countsByStatus(), failed: 0 };
    manifest.updated = new Date().toISOString();
    await writeManifest(checkpointPath, manifest);
    return failed;
  } finally {
    await lock.release();
  }
}
