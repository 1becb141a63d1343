import { ALL_ROWS, SelectedRows, selectionLabel } from '../csv/rowSelection';
import { FAILURE_KINDS, failureKind, noFailures, type FailureKindCounts } from '../stats/failureKinds';
import type { ProcessingRecord } from './processingRecord';

export type RecordStatus = ProcessingRecord['status'];

const STATUSES: readonly RecordStatus[] = ['processed', 'failed', 'skipped'];
const NO_OUTCOME = 0;
/** A row's byte holds its status code in the low two bits and, for a failure, its kind's position among FAILURE_KINDS above them. */
const STATUS_BITS = 3;
const KIND_SHIFT = 2;

/** What the index keeps of a record: its status, and for a failure the error that names its kind. */
export type IndexedOutcome = Pick<ProcessingRecord, 'status' | 'error'>;

/** Where a row's latest record lies in the journal. */
export interface JournalSpan {
  row: number;
  offset: number;
  length: number;
}

/**
 * The latest outcome of every row a checkpoint covers, by the row's slot among them (rows are
 * dense within a selection), in typed arrays: 13 bytes a covered row, so a million-row job's index
 * is about 13 MB whatever its records hold, and each of 256 shards of it holds 51 KB. The records
 * themselves stay in the journal and are read back from there. A failed row's kind shares its
 * status byte, so the failures are counted by kind over each row's latest outcome at no extra cost.
 */
export class RowOutcomes {
  private statuses: Uint8Array;
  private offsets: Float64Array;
  private lengths: Uint32Array;
  /** One past the highest slot set. */
  private slotsUsed = 0;
  private readonly counts: Record<RecordStatus, number> = { processed: 0, failed: 0, skipped: 0 };
  private readonly kindCounts = noFailures();

  /** `rows`: the rows covered, when the dataset's size is known, so the arrays are sized once instead of doubling. */
  constructor(private readonly rows: SelectedRows = new SelectedRows(ALL_ROWS, 0)) {
    // Sized to the rows when known (a queue chunk's 128 rows cost 1.7 KB); growable from 1024 otherwise.
    const size = rows.size > 0 ? rows.size : 1024;
    this.statuses = new Uint8Array(size);
    this.offsets = new Float64Array(size);
    this.lengths = new Uint32Array(size);
  }

  set(row: number, outcome: IndexedOutcome, offset: number, length: number): void {
    const slot = this.slotOf(row);
    this.ensureCapacity(slot);
    this.uncount(this.statuses[slot]);
    const code = STATUSES.indexOf(outcome.status) + 1;
    const kind = outcome.status === 'failed' ? FAILURE_KINDS.indexOf(failureKind(outcome.error ?? '')) : 0;
    this.statuses[slot] = code | (kind << KIND_SHIFT);
    this.counts[outcome.status]++;
    if (outcome.status === 'failed') this.kindCounts[FAILURE_KINDS[kind]]++;
    this.place(slot, offset, length);
  }

  /** The row's latest record now lies elsewhere (the journal was compacted); its outcome stays. */
  move(row: number, offset: number, length: number): void {
    this.place(this.slotOf(row), offset, length);
  }

  statusOf(row: number): RecordStatus | undefined {
    const slot = this.rows.slotOf(row);
    const code = slot >= 0 && slot < this.statuses.length ? this.statuses[slot] & STATUS_BITS : NO_OUTCOME;
    return code === NO_OUTCOME ? undefined : STATUSES[code - 1];
  }

  /** Where the row's latest record lies; undefined for a row without an outcome. */
  spanOf(row: number): JournalSpan | undefined {
    const slot = this.rows.slotOf(row);
    if (slot < 0 || slot >= this.slotsUsed || (this.statuses[slot] & STATUS_BITS) === NO_OUTCOME) return undefined;
    return { row, offset: this.offsets[slot], length: this.lengths[slot] };
  }

  /** Rows with an outcome, by status. */
  countsByStatus(): Record<RecordStatus, number> {
    return { ...this.counts };
  }

  /** Failed rows by the kind of their latest error. */
  failureKindCounts(): FailureKindCounts {
    return { ...this.kindCounts };
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
    for (let slot = 0; slot < this.slotsUsed; slot++) {
      const code = this.statuses[slot] & STATUS_BITS;
      if (code === NO_OUTCOME || (wanted !== NO_OUTCOME && code !== wanted)) continue;
      if (toSkip > 0) toSkip--;
      else yield { row: this.rows.rowAt(slot), offset: this.offsets[slot], length: this.lengths[slot] };
    }
  }

  private slotOf(row: number): number {
    const slot = this.rows.slotOf(row);
    if (slot < 0) throw new RangeError(`row number ${row} is not one of this checkpoint's rows (${selectionLabel(this.rows.selection)})`);
    return slot;
  }

  private uncount(byte: number): void {
    const code = byte & STATUS_BITS;
    if (code === NO_OUTCOME) return;
    this.counts[STATUSES[code - 1]]--;
    if (STATUSES[code - 1] === 'failed') this.kindCounts[FAILURE_KINDS[byte >> KIND_SHIFT]]--;
  }

  private place(slot: number, offset: number, length: number): void {
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    this.slotsUsed = Math.max(this.slotsUsed, slot + 1);
  }

  private ensureCapacity(slot: number): void {
    if (slot < this.statuses.length) return;
    let size = this.statuses.length;
    while (size <= slot) size *= 2;
    const grow = <T extends Uint8Array | Float64Array | Uint32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.statuses = grow(this.statuses, new Uint8Array(size));
    this.offsets = grow(this.offsets, new Float64Array(size));
    this.lengths = grow(this.lengths, new Uint32Array(size));
  }
}
