import { closeSync, existsSync, openSync } from 'node:fs';
import { ALL_ROWS, SelectedRows } from '../csv/rowSelection';
import { journalPathOf } from './checkpointFiles';
import { readManifestSync, type CheckpointManifest } from './checkpointManifest';
import { readJournalLines, recordBytesOf, replayJournalSync } from './journal';
import { RowOutcomes, type RecordStatus } from './rowOutcomes';
import type { FailureKindCounts } from '../stats/failureKinds';

/** One row's latest record, as the journal holds its JSON. */
export interface RowRecordBytes {
  row: number;
  bytes: Buffer;
}

/**
 * A checkpoint read without taking its lock and without changing it (no torn tail cut, no
 * compaction): what tools that look at a job's parts (status, merge) need. Costs the part's row
 * index, 13 bytes a row it covers.
 */
export class CheckpointContents {
  private constructor(
    readonly path: string,
    readonly manifest: CheckpointManifest,
    readonly rows: SelectedRows,
    private readonly outcomes: RowOutcomes,
  ) {}

  /** Reads the manifest and replays the journal (a missing journal is an empty one). */
  static readSync(checkpointPath: string): CheckpointContents {
    const manifest = readManifestSync(checkpointPath);
    const rows = new SelectedRows(manifest.selection ?? ALL_ROWS, manifest.dataset.total_rows ?? 0);
    const outcomes = new RowOutcomes(rows);
    const journalPath = journalPathOf(checkpointPath);
    // A run appending meanwhile only adds lines after those read here: the replay's spans stay valid.
    if (existsSync(journalPath)) replayJournalSync(journalPath, (entry, span) => outcomes.set(entry.row, entry.record, span.offset, span.length));
    return new CheckpointContents(checkpointPath, manifest, rows, outcomes);
  }

  /** Failed rows by the kind of their latest error. */
  get failureKinds(): FailureKindCounts {
    return this.outcomes.failureKindCounts();
  }

  /** Rows with an outcome, by status. */
  get counts(): ReturnType<RowOutcomes['countsByStatus']> {
    return this.outcomes.countsByStatus();
  }

  /**
   * Each settled row's latest record bytes, in row order, read in blocks of `blockBytes`. The
   * journal is open only while this iterates, so a reader can keep the indexes of thousands of
   * parts and read them one after another. With `status`, only the rows of that outcome.
   */
  *recordBytesInRowOrder(blockBytes?: number, status?: RecordStatus): Generator<RowRecordBytes> {
    if (this.outcomes.countOf(status) === 0) return;
    const spans = this.outcomes.spansInRowOrder(status);
    let row = 0;
    const tracked = (function* () {
      for (const span of spans) {
        row = span.row;
        yield span;
      }
    })();
    const fd = openSync(journalPathOf(this.path), 'r');
    try {
      for (const line of readJournalLines(fd, tracked, blockBytes)) yield { row, bytes: recordBytesOf(line) };
    } finally {
      closeSync(fd);
    }
  }
}
