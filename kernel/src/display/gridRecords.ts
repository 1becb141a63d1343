import type { KeyframesRecord } from '../builtins/extractKeyframes';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { ResultRecords } from '../checkpoint/resultRecords';
import type { RecordStatus } from '../checkpoint/rowOutcomes';
import { DEFAULT_KEYFRAMES_QUERY, searchMatches, searchNeedle, type GridStatus, type KeyframesQuery } from './notebookOutputs';
import { recordHead } from './recordHead';

/**
 * Records read a page at a time, without holding them: a run's `results.records` reads each page
 * from the checkpoint. `indexBytes`: what keeping it costs.
 */
export interface PagedRecords {
  readonly length: number;
  page(offset: number, count: number): ProcessingRecord[];
  readonly indexBytes?: number;
}

export function isKeyframesRecord(result: unknown): result is KeyframesRecord {
  return typeof result === 'object' && result !== null && Array.isArray((result as { frames?: unknown }).frames);
}

/** One page of the rows a query matches, and how many match in all. */
export interface GridPage {
  records: ProcessingRecord[];
  total: number;
}

/**
 * The rows behind a keyframe grid, asked for one page of those a query matches. A run's records
 * stay in its journal: a page without a search reads its lines only (after a scan of one byte a
 * row); a search reads every line of the status once, testing each line's id and path where they
 * lie in its bytes, and parses only the page it keeps, remembering its matches' row numbers (4
 * bytes each) so that its next pages read only theirs. Records held: one page, whatever the run's size.
 */
export interface GridRecords {
  /** What keeping the grid costs (a run's row index); absent for records held in an array. */
  readonly indexBytes?: number;
  page(query: KeyframesQuery, offset: number, count: number): GridPage;
}

/** Counts every match and keeps those from `offset`, `count` at most. */
function pageOfMatches<T>(candidates: Iterable<T>, matches: (candidate: T) => boolean, keep: (candidate: T) => ProcessingRecord, offset: number, count: number): GridPage {
  const records: ProcessingRecord[] = [];
  let total = 0;
  for (const candidate of candidates) {
    if (!matches(candidate)) continue;
    if (total >= offset && records.length < count) records.push(keep(candidate));
    total++;
  }
  return { records, total };
}

const VIEW_STATUS: Record<GridStatus, RecordStatus | undefined> = { all: undefined, processed: 'processed', failed: 'failed' };

/** Matches of a search remembered, as row numbers (4 bytes a match), up to this many: paging on through them reads only their pages. */
const MATCHES_REMEMBERED = 1 << 20;

/** The row numbers of the last search's matches, for its next pages. */
interface RememberedSearch {
  status: GridStatus;
  needle: string;
  rows: Uint32Array;
}

/** A run's records (`results.records` or a view of one status), read from its journal page by page. */
class RunGrid implements GridRecords {
  private remembered?: RememberedSearch;

  constructor(private readonly records: ResultRecords) {}

  get indexBytes(): number {
    return this.records.indexBytes + (this.remembered?.rows.byteLength ?? 0);
  }

  page(query: KeyframesQuery, offset: number, count: number): GridPage {
    const view = this.records.withStatus(VIEW_STATUS[query.status]);
    const needle = searchNeedle(query.search);
    if (needle === '') return { records: view.page(offset, count), total: view.length };
    const known = this.remembered;
    if (known && known.status === query.status && known.needle === needle) {
      return { records: view.ofRows(known.rows.subarray(offset, offset + count)), total: known.rows.length };
    }
    return this.search(view, query.status, needle, offset, count);
  }

  /** One pass over the view's lines: counts the matches, keeps the page's records and, while they are few enough, every match's row. */
  private search(view: ResultRecords, status: GridStatus, needle: string, offset: number, count: number): GridPage {
    const parse = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as ProcessingRecord;
    let rows: number[] | undefined = [];
    const page = pageOfMatches(
      view.rowsAndBytes(),
      ({ row, bytes }) => {
        const matches = searchMatches(needle, recordHead(bytes) ?? parse(bytes));
        if (matches && rows) {
          if (rows.length < MATCHES_REMEMBERED) rows.push(row);
          else rows = undefined;
        }
        return matches;
      },
      ({ bytes }) => parse(bytes),
      offset,
      count,
    );
    this.remembered = rows ? { status, needle, rows: Uint32Array.from(rows) } : undefined;
    return page;
  }
}

/** Whether a row belongs in the grid under a status: processed rows only with frames to show. */
function inStatus(record: ProcessingRecord, status: GridStatus): boolean {
  if (record.status === 'processed') return status !== 'failed' && isKeyframesRecord(record.result);
  return status === 'all' || record.status === status;
}

/** Records in memory (an array, or pages of another source read in turn), filtered as they go by. */
class ScannedGrid implements GridRecords {
  constructor(private readonly records: () => Iterable<ProcessingRecord>) {}

  page(query: KeyframesQuery, offset: number, count: number): GridPage {
    const needle = searchNeedle(query.search);
    return pageOfMatches(this.records(), (record) => inStatus(record, query.status) && searchMatches(needle, record), (record) => record, offset, count);
  }
}

function* pagesOf(records: PagedRecords, pageSize = 256): Generator<ProcessingRecord> {
  for (let offset = 0; offset < records.length; offset += pageSize) yield* records.page(offset, pageSize);
}

/** The grid rows of a run's records, an array, or another paged source (taken as its own rows under the default query). */
export function gridRecordsOf(records: PagedRecords | readonly ProcessingRecord[]): GridRecords {
  if (records instanceof ResultRecords) return new RunGrid(records);
  if (Array.isArray(records)) return new ScannedGrid(() => records as readonly ProcessingRecord[]);
  const paged = records as PagedRecords;
  const scanned = new ScannedGrid(() => pagesOf(paged));
  return {
    indexBytes: paged.indexBytes,
    page: (query, offset, count) =>
      query.status === DEFAULT_KEYFRAMES_QUERY.status && searchNeedle(query.search) === '' ? { records: paged.page(offset, count), total: paged.length } : scanned.page(query, offset, count),
  };
}
