import type { ProcessingRecord } from './processingRecord';

export type RecordStatus = ProcessingRecord['status'];

const STATUSES: readonly RecordStatus[] = ['processed', 'failed', 'skipped'];
const NO_OUTCOME = 0;

/** Where a row's latest record lies in the journal. */
export interface JournalSpan {
  row: number;
  offset: number;
  length: number;
}

/**
 * The latest outcome of every CSV row, by row number (rows are dense, 1..N), in typed arrays:
 * 13 bytes a row, so a million-row job's index is about 13 MB, whatever its records hold. The
 * records themselves stay in the journal and are read back from there.
 */
export class RowOutcomes {
  private statuses: Uint8Array;
  private offsets: Float64Array;
  private lengths: Uint32Array;
  private highestRow = 0;
  private readonly counts: Record<RecordStatus, number> = { processed: 0, failed: 0, skipped: 0 };

  /** `expectedRows`: the dataset's size when known, so the arrays are sized once instead of doubling. */
  constructor(expectedRows = 0) {
    const size = Math.max(1024, expectedRows + 1);
    this.statuses = new Uint8Array(size);
    this.offsets = new Float64Array(size);
    this.lengths = new Uint32Array(size);
  }

  set(row: number, status: RecordStatus, offset: number, length: number): void {
    if (!Number.isInteger(row) || row < 1) throw new RangeError(`row number ${row} is not a data row`);
    this.ensureCapacity(row);
    const previous = this.statuses[row];
    if (previous !== NO_OUTCOME) this.counts[STATUSES[previous - 1]]--;
    this.statuses[row] = STATUSES.indexOf(status) + 1;
    this.counts[status]++;
    this.offsets[row] = offset;
    this.lengths[row] = length;
    this.highestRow = Math.max(this.highestRow, row);
  }

  statusOf(row: number): RecordStatus | undefined {
    const code = row < this.statuses.length ? this.statuses[row] : NO_OUTCOME;
    return code === NO_OUTCOME ? undefined : STATUSES[code - 1];
  }

  /** Rows with an outcome, by status. */
  countsByStatus(): Record<RecordStatus, number> {
    return { ...this.counts };
  }

  /** Memory the index holds. */
  get byteSize(): number {
    return this.statuses.byteLength + this.offsets.byteLength + this.lengths.byteLength;
  }

  get settledCount(): number {
    return this.counts.processed + this.counts.failed + this.counts.skipped;
  }

  /** Rows with an outcome (of `status` when given). */
  countOf(status?: RecordStatus): number {
    return status ? this.counts[status] : this.settledCount;
  }

  /**
   * The journal spans of the rows with an outcome (of `status` when given), in CSV order, from the
   * `skip`-th such row on. Skipping scans the one-byte statuses: a million rows in about a millisecond.
   */
  *spansInRowOrder(status?: RecordStatus, skip = 0): Generator<JournalSpan> {
    const wanted = status ? STATUSES.indexOf(status) + 1 : NO_OUTCOME;
    let toSkip = skip;
    for (let row = 1; row <= this.highestRow; row++) {
      const code = this.statuses[row];
      if (code === NO_OUTCOME || (wanted !== NO_OUTCOME && code !== wanted)) continue;
      if (toSkip > 0) toSkip--;
      else yield { row, offset: this.offsets[row], length: this.lengths[row] };
    }
  }

  private ensureCapacity(row: number): void {
    if (row < this.statuses.length) return;
    let size = this.statuses.length;
    while (size <= row) size *= 2;
    const grow = <T extends Uint8Array | Float64Array | Uint32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.statuses = grow(this.statuses, new Uint8Array(size));
    this.offsets = grow(this.offsets, new Float64Array(size));
    this.lengths = grow(this.lengths, new Uint32Array(size));
  }
}
