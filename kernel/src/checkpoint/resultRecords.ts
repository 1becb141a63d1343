import { closeSync, fstatSync, openSync } from 'node:fs';
import { InputError } from '../inputError';
import { readJournalLines, recordBytesOf } from './journal';
import type { ProcessingRecord } from './processingRecord';
import { RowOutcomes, type JournalSpan, type RecordStatus } from './rowOutcomes';

/** The journal a ResultRecords reads was replaced (compacted, or moved aside by a fresh start) by a later run. */
export class ResultRecordsGoneError extends InputError {}

/** Which journal file the index describes: compaction or a fresh start puts another file at the path. */
interface JournalIdentity {
  dev: number;
  ino: number;
}

/**
 * A run's records, read from its checkpoint's journal when asked for, never held: each row's latest
 * record, in CSV order. Costs the run's row index (13 bytes a row, shared, not copied); a page of
 * 12 records at any offset of a million-row job reads 12 lines (after a scan of one byte a row).
 * Valid until a later run of the same checkpoint replaces its journal (compaction, `fresh`), which
 * is detected and reported rather than answered from another file.
 */
export class ResultRecords implements Iterable<ProcessingRecord>, AsyncIterable<ProcessingRecord> {
  private constructor(
    readonly journalPath: string,
    private readonly index: RowOutcomes,
    private readonly identity: JournalIdentity,
    /** Only the records of this status; all when undefined. */
    readonly status?: RecordStatus,
    /** The index's spans hold bare records (a results file), not journal lines. */
    private readonly bare = false,
  ) {}

  /** Records of the journal at `journalPath` (open as `fd` now) as `index` places them. */
  static of(journalPath: string, fd: number, index: RowOutcomes): ResultRecords {
    const { dev, ino } = fstatSync(fd);
    return new ResultRecords(journalPath, index, { dev, ino });
  }

  /** No records: what a job stopped before its results were merged has to show. */
  static empty(): ResultRecords {
    return new ResultRecords('', new RowOutcomes(), { dev: -1, ino: -1 });
  }

  /** Records of a results file (processing_results.json, open as `fd` now) whose spans `index` holds. */
  static ofResultsFile(resultsPath: string, fd: number, index: RowOutcomes): ResultRecords {
    const { dev, ino } = fstatSync(fd);
    return new ResultRecords(resultsPath, index, { dev, ino }, undefined, true);
  }

  /** What keeping this reader costs: the run's row index. */
  get indexBytes(): number {
    return this.index.byteSize;
  }

  /** How many records (of this view's status). */
  get length(): number {
    return this.index.countOf(this.status);
  }

  /** The records of one status (of every status when undefined), as a view of its own (no copy). */
  withStatus(status: RecordStatus | undefined): ResultRecords {
    return new ResultRecords(this.journalPath, this.index, this.identity, status, this.bare);
  }

  /** Up to `count` records from position `offset` of this view. */
  page(offset: number, count: number): ProcessingRecord[] {
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 0) {
      throw new RangeError(`page(offset, count) wants whole numbers >= 0, got (${offset}, ${count})`);
    }
    const records: ProcessingRecord[] = [];
    if (count === 0) return records;
    for (const record of this.read(offset)) {
      records.push(record);
      if (records.length === count) break;
    }
    return records;
  }

  /** Every record of this view as one array: for small jobs, where holding them all is fine. */
  toArray(): ProcessingRecord[] {
    return [...this];
  }

  [Symbol.iterator](): Iterator<ProcessingRecord> {
    return this.read(0);
  }

  /** Iterates like the synchronous iterator, yielding to the event loop between blocks of records. */
  async *[Symbol.asyncIterator](): AsyncIterator<ProcessingRecord> {
    let sinceYield = 0;
    for (const record of this.read(0)) {
      yield record;
      if (++sinceYield === 1000) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  /**
   * Each record's JSON bytes, straight from the journal (the journal ends each line with its
   * record): what a results file is written from, without parsing and printing every record again.
   */
  *jsonBytes(): Generator<Buffer> {
    if (this.length === 0) return;
    const fd = this.openJournal();
    try {
      for (const line of readJournalLines(fd, this.index.spansInRowOrder(this.status))) yield this.recordOf(line);
    } finally {
      closeSync(fd);
    }
  }

  /** Like jsonBytes, with each record's row number: what a search keeps to page its matches again without a scan. */
  *rowsAndBytes(): Generator<{ row: number; bytes: Buffer }> {
    if (this.length === 0) return;
    const fd = this.openJournal();
    let row = 0;
    const spans = (function* (all: Iterable<JournalSpan>) {
      for (const span of all) {
        row = span.row;
        yield span;
      }
    })(this.index.spansInRowOrder(this.status));
    try {
      for (const line of readJournalLines(fd, spans)) yield { row, bytes: this.recordOf(line) };
    } finally {
      closeSync(fd);
    }
  }

  /** The latest records of these rows (those with one), in the order given. */
  ofRows(rows: Iterable<number>): ProcessingRecord[] {
    const spans = [...rows].flatMap((row) => this.index.spanOf(row) ?? []);
    if (spans.length === 0) return [];
    const fd = this.openJournal();
    try {
      return [...readJournalLines(fd, spans)].map((line) => JSON.parse(this.recordOf(line).toString('utf8')) as ProcessingRecord);
    } finally {
      closeSync(fd);
    }
  }

  private *read(offset: number): Generator<ProcessingRecord> {
    if (this.length === 0) return;
    const fd = this.openJournal();
    try {
      for (const line of readJournalLines(fd, this.index.spansInRowOrder(this.status, offset))) {
        yield JSON.parse(this.recordOf(line).toString('utf8')) as ProcessingRecord;
      }
    } finally {
      closeSync(fd);
    }
  }

  private recordOf(line: Buffer): Buffer {
    return this.bare ? line : recordBytesOf(line);
  }

  private openJournal(): number {
    const gone = () =>
      new ResultRecordsGoneError(`the records of this run are gone: a later run replaced the checkpoint journal ${this.journalPath}; use that run's results`);
    let fd: number;
    try {
      fd = openSync(this.journalPath, 'r');
    } catch {
      throw gone();
    }
    const { dev, ino } = fstatSync(fd);
    if (dev !== this.identity.dev || ino !== this.identity.ino) {
      closeSync(fd);
      throw gone();
    }
    return fd;
  }
}
