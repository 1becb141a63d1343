import * as path from 'node:path';
import { InputError } from '../inputError';
import { isNetworkUrl } from '../decode/networkInput';
import { CsvFileError, csvRecords } from './csvRecords';
import type { DuplicateIds } from './idHashes';
import type { SelectedRows } from './rowSelection';

export interface VideoColumns {
  videoCol: string;
  idCol?: string;
}

/** Why a row is recorded as skipped instead of processed. */
export type RowProblem = 'empty_path' | 'empty_id' | 'duplicate_id';

export interface VideoRow {
  /** 1-based number of the data row (the header is row 0; blank lines are not rows). */
  rowNumber: number;
  /** The id column's value, or the row number when there is no id column. */
  id: string;
  /** Absolute path: a relative one resolves against the CSV's folder; an http(s) URL stays as written. Empty when the cell is. */
  videoPath: string;
  /** The path as the CSV wrote it (trimmed). */
  rawPath: string;
  problem?: RowProblem;
}

/** A column the job names is not in the CSV; the message lists the ones that are. */
export class CsvColumnError extends InputError {}

/** Where a job's two columns sit in the CSV's header. */
export interface ColumnPositions {
  videoAt: number;
  /** -1 without an id column. */
  idAt: number;
}

/** Where the job's columns sit in the header; a missing one is a CsvColumnError naming all columns. */
export function columnPositions(header: string[] | undefined, columns: VideoColumns, csvPath: string): ColumnPositions {
  const names = (header ?? []).map((name) => name.trim());
  if (names.every((name) => name === '')) throw new CsvFileError(`CSV ${csvPath} has no header row`);
  const positionOf = (column: string, role: string): number => {
    const at = names.indexOf(column);
    if (at < 0) {
      throw new CsvColumnError(`column '${column}' (${role}) is not in ${csvPath}; its columns are: ${names.map((name) => `'${name}'`).join(', ')}`);
    }
    return at;
  };
  return { videoAt: positionOf(columns.videoCol, 'video paths'), idAt: columns.idCol === undefined ? -1 : positionOf(columns.idCol, 'ids') };
}

/**
 * The id a CSV record gives to duplicate detection: the id column's value, when the record has an
 * id and a path (a row with an empty one is skipped for that, never compared). Undefined without
 * an id column, where row numbers are unique by construction. Cheap: the scan before a run calls it
 * for every row.
 */
export function checkableIdOf(fields: string[], positions: ColumnPositions): string | undefined {
  if (positions.idAt < 0 || !(fields[positions.videoAt] ?? '').trim()) return undefined;
  return (fields[positions.idAt] ?? '').trim() || undefined;
}

/** Where a cell's video is: a URL is read over the network as it is, a path is resolved against the CSV's folder. */
function videoPathOf(rawPath: string, folder: string): string {
  if (!rawPath) return '';
  return isNetworkUrl(rawPath) ? rawPath : path.resolve(folder, rawPath);
}

/** A record's id and path as written (trimmed); the row number is the id without an id column. */
export function rowCells(fields: string[], rowNumber: number, positions: ColumnPositions): { id: string; rawPath: string } {
  return {
    id: positions.idAt < 0 ? String(rowNumber) : (fields[positions.idAt] ?? '').trim(),
    rawPath: (fields[positions.videoAt] ?? '').trim(),
  };
}

/** The row a CSV record makes, before duplicate ids are told apart. */
export function videoRowOf(fields: string[], rowNumber: number, positions: ColumnPositions, folder: string): VideoRow {
  const { id, rawPath } = rowCells(fields, rowNumber, positions);
  const row: VideoRow = { rowNumber, id, rawPath, videoPath: videoPathOf(rawPath, folder) };
  if (!rawPath) row.problem = 'empty_path';
  else if (!id) row.problem = 'empty_id';
  return row;
}

/**
 * The CSV's data rows, streamed (a CSV of a million rows is never held whole): BOM, CRLF and quoted
 * fields with commas and newlines are handled by papaparse. Rows with an empty path, an empty id or
 * an id seen before come with a `problem`, so they are recorded, not crashed on. Duplicates are told
 * by `duplicates`, whose first pass `scanCsv` made over the same file. With `only`, the rows outside
 * it are read (their ids still count for duplicates, as in a run over every row) but not yielded.
 */
export async function* readVideoRows(csvPath: string, columns: VideoColumns, duplicates: DuplicateIds, only?: SelectedRows): AsyncGenerator<VideoRow> {
  const folder = path.dirname(path.resolve(csvPath));
  const records = csvRecords(csvPath);
  try {
    const header = await records.next();
    const positions = columnPositions(header.done ? undefined : header.value, columns, csvPath);
    let rowNumber = 0;
    for await (const fields of records) {
      rowNumber++;
      const id = checkableIdOf(fields, positions);
      const repeat = id !== undefined && duplicates.isRepeat(id);
      if (only && !only.includes(rowNumber)) continue;
      const row = videoRowOf(fields, rowNumber, positions, folder);
      if (repeat) row.problem = 'duplicate_id';
      yield row;
    }
  } finally {
    await records.return(undefined);
  }
}
