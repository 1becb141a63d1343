import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { InputError } from '../inputError';
import { FRESH_START_HINT } from './freshStart';
import type { ProcessingRecord } from './processingRecord';
import type { JournalSpan, RecordStatus } from './rowOutcomes';

/** Where a processed row's sample went in the WebDataset shards: a resume cuts the open shard there. */
export interface JournalSample {
  shardIndex: number;
  /** The shard's bytes up to the end of this row's sample. */
  endBytes: number;
}

/** One journal line: a row's outcome and where the row stands in the CSV. */
export interface JournalEntry {
  row: number;
  sample?: JournalSample;
  record: ProcessingRecord;
}

/** The journal is damaged before its end, where no crash could have left it so. */
export class JournalDamagedError extends InputError {}

const NEWLINE = 0x0a;
/** Bytes read at once when reading lines back: the journal is mostly in row order, so most spans share a block. */
const READ_BLOCK_BYTES = 1 << 20;
const STATUSES: ReadonlySet<string> = new Set<RecordStatus>(['processed', 'failed', 'skipped']);

/** What precedes a line's record: the record comes last, so its JSON can be cut out without parsing. */
const RECORD_KEY = Buffer.from(',"record":');

/** `{"row":7,...,"record":{...}}` and a newline: the record last (the shape of JSON.stringify({ row, record })). */
export function journalLine(entry: JournalEntry): Buffer {
  const { record, ...head } = entry;
  return Buffer.from(`${JSON.stringify(head).slice(0, -1)},"record":${JSON.stringify(record)}}\n`, 'utf8');
}

const LINE_START = Buffer.from('{"row":');
const LINE_END = Buffer.from('}\n');

/**
 * The record's JSON within a journal line (as `JSON.stringify(record)` writes it), as bytes: a
 * results file of a million rows is copied together from these, a copy per row, without parsing
 * and printing each record again. The fields before the record are the engine's own (numbers,
 * shard names), so the first `,"record":` is the record's key. A line of another shape (edited by
 * hand) is parsed.
 */
export function recordBytesOf(line: Buffer): Buffer {
  const at = line.indexOf(RECORD_KEY);
  const engineShaped = line.subarray(0, LINE_START.length).equals(LINE_START) && line.subarray(line.length - LINE_END.length).equals(LINE_END);
  if (at >= 0 && engineShaped) return line.subarray(at + RECORD_KEY.length, line.length - 2);
  return Buffer.from(JSON.stringify((JSON.parse(line.toString('utf8')) as JournalEntry).record), 'utf8');
}

function parseJournalLine(text: string): JournalEntry | undefined {
  try {
    const entry = JSON.parse(text) as Partial<JournalEntry>;
    const valid = Number.isInteger(entry.row) && typeof entry.record?.id === 'string' && STATUSES.has(entry.record.status);
    return valid ? (entry as JournalEntry) : undefined;
  } catch {
    return undefined;
  }
}

export interface ReplayOutcome {
  /** Bytes of whole, valid lines: a torn or damaged tail starts here. */
  validBytes: number;
  /** Lines replayed. */
  lines: number;
  /** True when bytes after `validBytes` must be cut off. */
  tornTail: boolean;
}

/**
 * Splits journal bytes into lines as they come, handing each valid line's entry and byte span on.
 * An append resolves only after its whole line is written and fsync'd, so whatever a kill or a
 * power cut leaves unfinished lies after the last complete line: a last line without its newline,
 * or lines of zeros. Such a tail never counted and is reported for cutting off. A bad line followed
 * by good ones is damage no crash explains, and is refused.
 */
class JournalScanner {
  private pending: Buffer = Buffer.alloc(0);
  private pendingAt = 0;
  private lines = 0;
  private firstBad?: { offset: number; line: number };

  constructor(
    private readonly journalPath: string,
    private readonly onEntry: (entry: JournalEntry, span: JournalSpan) => void,
  ) {}

  /** The next bytes of the file; a chunk must not be reused by the caller after this. */
  push(chunk: Buffer): void {
    const pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (let end = pending.indexOf(NEWLINE); end >= 0; end = pending.indexOf(NEWLINE, start)) {
      const offset = this.pendingAt + start;
      const entry = parseJournalLine(pending.toString('utf8', start, end));
      if (!entry) {
        this.firstBad ??= { offset, line: this.lines + 1 };
      } else if (this.firstBad) {
        throw new JournalDamagedError(
          `checkpoint journal ${this.journalPath} is damaged at line ${this.firstBad.line} (byte ${this.firstBad.offset}) while later lines are whole; ` +
            `remove that line to keep the rest, or ${FRESH_START_HINT}`,
        );
      } else {
        this.lines++;
        this.onEntry(entry, { row: entry.row, offset, length: end + 1 - start });
      }
      start = end + 1;
    }
    this.pendingAt += start;
    this.pending = pending.subarray(start);
  }

  end(): ReplayOutcome {
    const validBytes = this.firstBad?.offset ?? this.pendingAt;
    return { validBytes, lines: this.lines, tornTail: this.firstBad !== undefined || this.pending.length > 0 };
  }
}

/** Reads the journal once, streaming, handing each line's entry and byte span to `onEntry` (see JournalScanner). */
export async function replayJournal(journalPath: string, onEntry: (entry: JournalEntry, span: JournalSpan) => void): Promise<ReplayOutcome> {
  const scanner = new JournalScanner(journalPath, onEntry);
  for await (const chunk of createReadStream(journalPath)) scanner.push(chunk as Buffer);
  return scanner.end();
}

/** `replayJournal`, synchronously: for readers that stream records out of many journals one after another. */
export function replayJournalSync(journalPath: string, onEntry: (entry: JournalEntry, span: JournalSpan) => void): ReplayOutcome {
  const scanner = new JournalScanner(journalPath, onEntry);
  const fd = openSync(journalPath, 'r');
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_BLOCK_BYTES);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      scanner.push(chunk.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return scanner.end();
}


/**
 * Reads lines back from the journal by their spans, synchronously (each read is a page-cache copy
 * of a block; reading every row's line stays one sequential pass over the journal when the spans
 * ascend, as they do but for retried rows and the interleaving of concurrent workers).
 */
export function* readJournalLines(fd: number, spans: Iterable<JournalSpan>, blockBytes = READ_BLOCK_BYTES): Generator<Buffer> {
  let block = Buffer.alloc(0);
  let blockAt = 0;
  for (const span of spans) {
    if (span.offset < blockAt || span.offset + span.length > blockAt + block.length) {
      const buffer = Buffer.allocUnsafe(Math.max(blockBytes, span.length));
      const read = readSync(fd, buffer, 0, buffer.length, span.offset);
      block = buffer.subarray(0, read);
      blockAt = span.offset;
      if (read < span.length) throw new Error(`checkpoint journal ends before the line of row ${span.row} (byte ${span.offset})`);
    }
    const start = span.offset - blockAt;
    yield block.subarray(start, start + span.length);
  }
}
