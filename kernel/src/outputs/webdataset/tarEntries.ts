/**
 * POSIX ustar members, byte for byte, for WebDataset shards. Pure: the same name, data and mtime
 * always give the same bytes, so a shard's contents depend only on its samples.
 */

export const BLOCK_BYTES = 512;
/** Two zero blocks end a tar archive. */
export const END_OF_ARCHIVE_BYTES = 2 * BLOCK_BYTES;
/** ustar's name field; longer (or non-ASCII) names go into a PAX `path=` record. */
const NAME_FIELD_BYTES = 100;
/** The size and mtime fields hold 11 octal digits and a NUL. */
const MAX_OCTAL_11 = 8 ** 11 - 1;
/** The name Python's tarfile gives PAX extended headers; readers never show it as a member. */
const PAX_HEADER_NAME = '././@PaxHeader';
const FILE_MODE = 0o644;
/** Printable ASCII: the portable name characters that every tar reader takes as they are. */
const PORTABLE_NAME = /^[\x20-\x7e]+$/;

/** Read-only zeros: padding and the end-of-archive marker share them. */
const ZEROS = new Uint8Array(END_OF_ARCHIVE_BYTES);

type TypeFlag = '0' | 'x';

/** One member's bytes in write order (header, data, padding), not copied into one buffer. */
export interface TarMember {
  chunks: Uint8Array[];
  byteLength: number;
}

/** Bytes of zeros after `size` bytes of data, up to the next block. */
export function paddingFor(size: number): number {
  return (BLOCK_BYTES - (size % BLOCK_BYTES)) % BLOCK_BYTES;
}

/** The end-of-archive marker: two zero blocks. */
export function endOfArchive(): Uint8Array {
  return ZEROS;
}

/**
 * A regular file member: mode 0644, uid/gid 0, empty uname/gname, `mtimeSeconds` as given. A name
 * over 100 bytes or with characters outside printable ASCII is preceded by a PAX header holding it
 * as UTF-8 (`path=`), which Python's tarfile, GNU tar and bsdtar read; the ustar field then holds
 * a shortened ASCII stand-in for readers without PAX.
 */
export function tarMember(name: string, data: Uint8Array, mtimeSeconds: number): TarMember {
  if (!name) throw new RangeError('a tar member needs a name');
  const portable = PORTABLE_NAME.test(name) && name.length <= NAME_FIELD_BYTES;
  const chunks = portable ? [] : memberBlocks(PAX_HEADER_NAME, 'x', Buffer.from(paxRecord('path', name), 'utf8'), mtimeSeconds);
  chunks.push(...memberBlocks(portable ? name : asciiStandIn(name), '0', data, mtimeSeconds));
  return { chunks, byteLength: chunks.reduce((total, chunk) => total + chunk.byteLength, 0) };
}

function memberBlocks(name: string, typeFlag: TypeFlag, data: Uint8Array, mtimeSeconds: number): Uint8Array[] {
  const blocks: Uint8Array[] = [ustarHeader(name, typeFlag, data.byteLength, mtimeSeconds)];
  if (data.byteLength) blocks.push(data);
  const padding = paddingFor(data.byteLength);
  if (padding) blocks.push(ZEROS.subarray(0, padding));
  return blocks;
}

function asciiStandIn(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').slice(0, NAME_FIELD_BYTES);
}

/** One PAX record, `<length> <keyword>=<value>\n`, where the length counts its own digits too. */
export function paxRecord(keyword: string, value: string): string {
  const body = ` ${keyword}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  let digits = 1;
  while (String(bodyBytes + digits).length > digits) digits++;
  return `${bodyBytes + digits}${body}`;
}

function ustarHeader(name: string, typeFlag: TypeFlag, size: number, mtimeSeconds: number): Buffer {
  if (size > MAX_OCTAL_11) throw new RangeError(`tar member ${name} is ${size} bytes; ustar holds at most ${MAX_OCTAL_11}`);
  if (!Number.isInteger(mtimeSeconds) || mtimeSeconds < 0 || mtimeSeconds > MAX_OCTAL_11) throw new RangeError(`mtime ${mtimeSeconds} is not a whole number of seconds that ustar holds`);
  const header = Buffer.alloc(BLOCK_BYTES);
  header.write(name, 0, NAME_FIELD_BYTES, 'ascii');
  writeOctal(header, 100, 8, FILE_MODE);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, mtimeSeconds);
  header.write(typeFlag, 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  writeOctal(header, 329, 8, 0); // devmajor
  writeOctal(header, 337, 8, 0); // devminor
  header.write(`${checksumOf(header).toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

/** The ustar checksum: the sum of the header's bytes with the checksum field counted as spaces. */
export function checksumOf(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK_BYTES; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum;
}

function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, 'ascii');
}
