import type { FileHandle } from 'node:fs/promises';
import { ShardResumeError } from './shardFiles';
import { BLOCK_BYTES, checksumOf, paddingFor } from './tarEntries';

/** One read fetches this much, so a shard of small members is read in few calls. */
const READ_AHEAD_BYTES = 1 << 20;

interface MemberHeader {
  name: string;
  typeFlag: string;
  size: number;
}

/**
 * The WebDataset grouping rule: a member's key is its path up to the first dot of the basename;
 * consecutive members with the same key form one sample.
 */
export function memberKey(memberName: string): string {
  const slash = memberName.lastIndexOf('/');
  const dot = memberName.indexOf('.', slash + 1);
  return dot < 0 ? memberName : memberName.slice(0, dot);
}

/** Reads a file through a window of READ_AHEAD_BYTES, refetched only when a read leaves it. */
class WindowedReader {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(private readonly handle: FileHandle) {}

  async read(position: number, length: number): Promise<Buffer> {
    const offset = position - this.windowStart;
    if (offset < 0 || offset + length > this.window.length) {
      const buffer = Buffer.alloc(Math.max(length, READ_AHEAD_BYTES));
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = position;
      if (bytesRead < length) throw new RangeError(`${length} bytes at ${position} lie past the end of the file`);
    }
    return this.window.subarray(position - this.windowStart, position - this.windowStart + length);
  }
}

function parseHeader(block: Buffer): MemberHeader | undefined {
  const field = (offset: number, width: number) => {
    const end = block.indexOf(0, offset);
    return block.toString('ascii', offset, end < 0 || end > offset + width ? offset + width : end);
  };
  const recorded = parseInt(field(148, 8).trim(), 8);
  if (recorded !== checksumOf(block) || field(257, 6) !== 'ustar') return undefined;
  return { name: field(0, 100), typeFlag: field(156, 1), size: parseInt(field(124, 12), 8) };
}

/** The `path=` value of a PAX extended header's records, if it has one. */
function paxPath(records: Buffer): string | undefined {
  for (let at = 0; at < records.length; ) {
    const space = records.indexOf(0x20, at);
    const length = Number(records.toString('ascii', at, space));
    if (space < 0 || !(length > 0)) return undefined;
    const record = records.toString('utf8', space + 1, at + length - 1);
    if (record.startsWith('path=')) return record.slice('path='.length);
    at += length;
  }
  return undefined;
}

/**
 * Counts the samples in the first `bytes` of a shard this writer wrote, checking every header on
 * the way: `bytes` must end exactly at a member's end. Only headers are read, a window at a time.
 */
export async function countShardSamples(handle: FileHandle, file: string, bytes: number): Promise<number> {
  const reader = new WindowedReader(handle);
  let samples = 0;
  let lastKey: string | undefined;
  let longName: string | undefined;
  for (let position = 0; position < bytes; ) {
    const header = position + BLOCK_BYTES <= bytes ? parseHeader(await reader.read(position, BLOCK_BYTES)) : undefined;
    const next = header ? position + BLOCK_BYTES + header.size + paddingFor(header.size) : Infinity;
    if (!header || next > bytes) throw new ShardResumeError(`${file} holds no whole tar member at byte ${position} of the ${bytes} the checkpoint records`);
    if (header.typeFlag === 'x') {
      longName = paxPath(await reader.read(position + BLOCK_BYTES, header.size));
    } else {
      const key = memberKey(longName ?? header.name);
      if (key !== lastKey) samples++;
      lastKey = key;
      longName = undefined;
    }
    position = next;
  }
  return samples;
}
