import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { isStorageFull, StorageFullError } from './storageFull';
import { isProcessAlive } from '../processes';

/** Bytes gathered before one write call: large enough that a huge file costs few syscalls. */
const WRITE_BUFFER_BYTES = 1 << 20;

/** Makes a rename inside `dir` durable (POSIX: the directory entry lives in the directory). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return; // some platforms cannot open directories; the rename is still atomic
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/** Writes all of `data` (a regular file may take less than asked in one call, e.g. on a full disk). */
export async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  for (let written = 0; written < data.length; ) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

/** The name of a temporary file beside `file`, for process `pid`: its own, so concurrent writers never share one. */
export function temporaryNameFor(file: string, pid = process.pid): string {
  return `${file}.${pid}-${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Removes the temporaries of `file` (see `temporaryNameFor`) whose writer no longer runs: a process
 * killed mid-write leaves one, and nothing else ever would. A live writer's are left alone.
 */
export async function removeAbandonedTemporaries(file: string): Promise<void> {
  const prefix = `${path.basename(file)}.`;
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    const writer = name.startsWith(prefix) ? name.slice(prefix.length).match(/^(\d+)-[0-9a-f]{8}\.tmp$/) : null;
    if (writer && Number(writer[1]) !== process.pid && !isProcessAlive(Number(writer[1]))) await rm(path.join(path.dirname(file), name), { force: true });
  }
}

/**
 * Writes a file so that readers see the old or the new contents, never a mix, even across a crash
 * or a kill: `write` fills a temporary file beside it (`temporaryNameFor`) through its handle, then
 * fsync, rename over, fsync the folder. A failure removes the temporary; a kill leaves it behind and
 * `removeAbandonedTemporaries` clears it on the next run. A full disk is a StorageFullError.
 */
export async function writeThroughTemporary<T>(file: string, write: (handle: FileHandle) => Promise<T>): Promise<T> {
  const temporary = temporaryNameFor(file);
  const handle = await open(temporary, 'w').catch((error: unknown) => {
    throw isStorageFull(error) ? new StorageFullError(`no space left on device for ${file}`) : error;
  });
  let written: T;
  try {
    written = await write(handle);
    await handle.sync();
    await handle.close();
    await rename(temporary, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw isStorageFull(error) ? new StorageFullError(`no space left on device while writing ${file}`) : error;
  }
  await syncDirectory(path.dirname(file));
  return written;
}

/**
 * `writeThroughTemporary` for contents made piece by piece: `write` receives a function that
 * appends text or bytes; they are buffered, so appending record by record is cheap.
 */
export function writeFileAtomically(file: string, write: (append: (data: string | Buffer) => Promise<void>) => Promise<void>): Promise<void> {
  return writeThroughTemporary(file, async (handle) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      const bytes = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await writeFully(handle, bytes);
    };
    await write(async (data) => {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= WRITE_BUFFER_BYTES) await flush();
    });
    await flush();
  });
}
