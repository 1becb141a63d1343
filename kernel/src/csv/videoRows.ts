import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline, Transform } from 'node:stream';
import Papa from 'papaparse';
import { InputError } from '../inputError';

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
  /** Absolute path: a relative one resolves against the CSV's folder. Empty when the cell is. */
  videoPath: string;
  /** The path as the CSV wrote it (trimmed). */
  rawPath: string;
  problem?: RowProblem;
}

/** A column the job names is not in the CSV; the message lists the ones that are. */
export class CsvColumnError extends InputError {}

/** The CSV file cannot be opened (missing, a folder, no permission), is not text, or has no header row. */
export class CsvFileError extends InputError {}

const BYTE_ORDER_MARK = /^\uFEFF/;
/** Parsed chunks (64 KiB of text each) waiting for the consumer before reading pauses. */
const BUFFERED_CHUNKS = 2;

/** Drops the BOM and refuses binary data (a NUL character), as text streams through it. */
function textCheck(csvPath: string): Transform {
  let first = true;
  let charactersSeen = 0;
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _encoding, done) {
      const nul = chunk.indexOf('\u0000');
      if (nul >= 0) {
        done(new CsvFileError(`${csvPath} is not a text CSV (it holds binary data: a NUL character at character ${charactersSeen + nul}); give the CSV that lists the videos`));
        return;
      }
      charactersSeen += chunk.length;
      done(null, first ? chunk.replace(BYTE_ORDER_MARK, '') : chunk);
      first = false;
    },
  });
}

/**
 * The CSV's records (header first), parsed by papaparse chunk by chunk as the file streams in.
 * When the consumer falls behind by BUFFERED_CHUNKS chunks, the file stream pauses (papaparse parses
 * only what it is given), so a slow consumer holds a bounded number of rows. Rows come per chunk
 * rather than per row: papaparse's per-row stepping re-parses the rest of a chunk on every pause.
 * The BOM goes before parsing: papaparse strips it from strings only, and left in a stream it turns
 * a quoted first header into a name with quotes in it. A NUL character marks a binary file (a video
 * given in place of the CSV, say): no text CSV holds one, and parsing it would only yield garbage.
 */
async function* csvRecords(csvPath: string): AsyncGenerator<string[]> {
  const file = await open(csvPath, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new CsvFileError(error.code === 'ENOENT' ? `CSV file not found: ${csvPath}` : `cannot read CSV ${csvPath}: ${error.message}`, { cause: error });
  });
  const withoutBom = textCheck(csvPath);
  const parsed: string[][][] = [];
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (error: NodeJS.ErrnoException | null) => {
    if (!error || error.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    failure ??= error;
    notify();
  };
  const text = pipeline(file.createReadStream({ encoding: 'utf8' }), withoutBom, fail);
  Papa.parse<string[]>(text, {
    skipEmptyLines: 'greedy',
    chunk: (results) => {
      parsed.push(results.data);
      if (parsed.length >= BUFFERED_CHUNKS) text.pause();
      notify();
    },
    complete: () => {
      finished = true;
      notify();
    },
    error: fail,
  });
  try {
    for (;;) {
      const chunk = parsed.shift();
      if (chunk) {
        if (parsed.length < BUFFERED_CHUNKS && text.isPaused()) text.resume();
        yield* chunk;
      } else if (failure) {
        throw failure instanceof CsvFileError ? failure : new CsvFileError(`cannot read CSV ${csvPath}: ${failure.message}`, { cause: failure });
      } else if (finished) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    text.destroy();
  }
}

/** Where the job's columns sit in the header; a missing one is a CsvColumnError naming all columns. */
function columnPositions(header: string[] | undefined, columns: VideoColumns, csvPath: string): { videoAt: number; idAt: number } {
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
 * The CSV's data rows, streamed (a CSV of a million rows is never held whole): BOM, CRLF and quoted
 * fields with commas and newlines are handled by papaparse. Rows with an empty path, an empty id or
 * an id seen before come with a `problem`, so they are recorded, not crashed on. Telling duplicates
 * apart needs the ids seen so far: with an id column, that set is the only memory that grows with
 * the CSV.
 */
export async function* readVideoRows(csvPath: string, columns: VideoColumns): AsyncGenerator<VideoRow> {
  const folder = path.dirname(path.resolve(csvPath));
  const records = csvRecords(csvPath);
  try {
    const header = await records.next();
    const { videoAt, idAt } = columnPositions(header.done ? undefined : header.value, columns, csvPath);
    const seenIds = new Set<string>();
    let rowNumber = 0;
    for await (const fields of records) {
      rowNumber++;
      const rawPath = (fields[videoAt] ?? '').trim();
      const id = idAt < 0 ? String(rowNumber) : (fields[idAt] ?? '').trim();
      const row: VideoRow = { rowNumber, id, rawPath, videoPath: rawPath ? path.resolve(folder, rawPath) : '' };
      if (!rawPath) row.problem = 'empty_path';
      else if (!id) row.problem = 'empty_id';
      else if (idAt >= 0) {
        // Row numbers are unique by construction: only ids from the CSV need remembering.
        if (seenIds.has(id)) row.problem = 'duplicate_id';
        else seenIds.add(id);
      }
      yield row;
    }
  } finally {
    await records.return(undefined);
  }
}

/**
 * The number of data rows (what `readVideoRows` yields), after checking that the columns exist.
 * Streams like `readVideoRows`, so a total can be shown before a run at the cost of one more read.
 */
export async function countVideoRows(csvPath: string, columns: VideoColumns): Promise<number> {
  const records = csvRecords(csvPath);
  try {
    const header = await records.next();
    columnPositions(header.done ? undefined : header.value, columns, csvPath);
    let count = 0;
    for await (const _record of records) count++;
    return count;
  } finally {
    await records.return(undefined);
  }
}
