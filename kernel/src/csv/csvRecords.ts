import { open } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import { InputError } from '../inputError';

/** The CSV file cannot be opened (missing, a folder, no permission), is not text, or has no header row. */
export class CsvFileError extends InputError {}

const BYTE_ORDER_MARK = /^\uFEFF/;
/** Parsed chunks (64 KiB of text each) waiting for the consumer before reading pauses. */
const BUFFERED_CHUNKS = 2;

/** Called with the file's bytes as they are read, before decoding: for hashing and progress. */
export type CsvBytesObserver = (bytes: Buffer) => void;

/**
 * Bytes to text: hands the raw bytes to `onBytes`, decodes UTF-8 (a character split across reads
 * stays whole), drops the BOM and refuses binary data (a NUL character).
 */
function csvText(csvPath: string, onBytes: CsvBytesObserver | undefined): Transform {
  let first = true;
  let charactersSeen = 0;
  const decoder = new StringDecoder('utf8');
  return new Transform({
    encoding: 'utf8',
    flush(done) {
      done(null, decoder.end());
    },
    transform(bytes: Buffer, _encoding, done) {
      onBytes?.(bytes);
      const chunk = decoder.write(bytes);
      const nul = chunk.indexOf('\u0000');
      if (nul >= 0) {
        done(new CsvFileError(`${csvPath} is not a text CSV (it holds binary data: a NUL character at character ${charactersSeen + nul}); give the CSV that lists the videos`));
        return;
      }
      charactersSeen += chunk.length;
      done(null, first ? chunk.replace(BYTE_ORDER_MARK, '') : chunk);
      if (chunk.length > 0) first = false;
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
export async function* csvRecords(csvPath: string, onBytes?: CsvBytesObserver): AsyncGenerator<string[]> {
  const file = await open(csvPath, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new CsvFileError(error.code === 'ENOENT' ? `CSV file not found: ${csvPath}` : `cannot read CSV ${csvPath}: ${error.message}`, { cause: error });
  });
  const withoutBom = csvText(csvPath, onBytes);
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
  const text = pipeline(file.createReadStream(), withoutBom, fail);
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
