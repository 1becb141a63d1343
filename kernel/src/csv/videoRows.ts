import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import Papa from 'papaparse';
import { InputError } from '../inputError';

export interface VideoColumns {
  videoCol: string;
  idCol?: string;
}

/** Why a row is recorded as skipped instead of processed. */
export type RowProblem = 'empty_path' | 'empty_id' | 'duplicate_id';

export interface VideoRow {
  /** 1-based number of the data row (the header is row 0). */
  rowNumber: number;
  /** The id column's value, or the row number when there is no id column. */
  id: string;
  /** Absolute path: a relative one resolves against the CSV's folder. */
  videoPath: string;
  /** The path as the CSV wrote it. */
  rawPath: string;
  problem?: RowProblem;
}

/** A column the job names is not in the CSV; the message lists the ones that are. */
export class CsvColumnError extends InputError {}

/** Bytes read to find the header line; a header longer than this is not a CSV of video paths. */
const HEADER_PROBE_BYTES = 1 << 20;

const cleanHeader = (name: string) => name.replace(/^\uFEFF/, '').trim();

async function readHeader(csvPath: string): Promise<string[]> {
  const file = await open(csvPath, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InputError(error.code === 'ENOENT' ? `CSV file not found: ${csvPath}` : `cannot read CSV ${csvPath}: ${error.message}`);
  });
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(HEADER_PROBE_BYTES), 0, HEADER_PROBE_BYTES, 0);
    const parsed = Papa.parse<string[]>(buffer.subarray(0, bytesRead).toString('utf8'), { preview: 1, skipEmptyLines: 'greedy' });
    const header = (parsed.data[0] ?? []).map(cleanHeader);
    if (header.length === 0 || header.every((name) => name === '')) throw new InputError(`CSV ${csvPath} has no header row`);
    return header;
  } finally {
    await file.close();
  }
}

function columnIndex(header: string[], column: string, role: string, csvPath: string): number {
  const at = header.indexOf(column);
  if (at < 0) {
    throw new CsvColumnError(`column '${column}' (${role}) is not in ${csvPath}; its columns are: ${header.map((name) => `'${name}'`).join(', ')}`);
  }
  return at;
}

/**
 * The CSV's data rows, streamed (a CSV of a million rows is never held whole): BOM, CRLF and quoted
 * fields with commas and newlines are handled by papaparse. Rows with an empty path, an empty id or
 * an id seen before come with a `problem`, so they are recorded, not crashed on.
 */
export async function* readVideoRows(csvPath: string, columns: VideoColumns): AsyncGenerator<VideoRow> {
  const header = await readHeader(csvPath);
  const videoAt = columnIndex(header, columns.videoCol, 'video paths', csvPath);
  const idAt = columns.idCol === undefined ? -1 : columnIndex(header, columns.idCol, 'ids', csvPath);
  const folder = path.dirname(path.resolve(csvPath));
  const seenIds = new Set<string>();
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: 'greedy' }) as NodeJS.ReadWriteStream;
  const source = createReadStream(csvPath, { encoding: 'utf8' });
  source.on('error', (error) => parser.emit('error', error));
  source.pipe(parser);
  let rowNumber = -1;
  for await (const fields of parser as AsyncIterable<string[]>) {
    rowNumber++;
    if (rowNumber === 0) continue; // the header
    const rawPath = (fields[videoAt] ?? '').trim();
    const id = idAt < 0 ? String(rowNumber) : (fields[idAt] ?? '').trim();
    const row: VideoRow = { rowNumber, id, rawPath, videoPath: rawPath ? path.resolve(folder, rawPath) : '' };
    if (!rawPath) row.problem = 'empty_path';
    else if (!id) row.problem = 'empty_id';
    else if (seenIds.has(id)) row.problem = 'duplicate_id';
    else seenIds.add(id);
    yield row;
  }
}

/** The number of data rows, after checking that the columns exist. Streams like `readVideoRows`. */
export async function countVideoRows(csvPath: string, columns: VideoColumns): Promise<number> {
  let count = 0;
  const header = await readHeader(csvPath);
  columnIndex(header, columns.videoCol, 'video paths', csvPath);
  if (columns.idCol !== undefined) columnIndex(header, columns.idCol, 'ids', csvPath);
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: 'greedy' }) as NodeJS.ReadWriteStream;
  createReadStream(csvPath, { encoding: 'utf8' }).pipe(parser);
  for await (const _row of parser as AsyncIterable<string[]>) count++;
  return Math.max(0, count - 1);
}
