import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

/** Text gathered before one write call: large enough that a huge file costs few syscalls. */
const WRITE_BUFFER_CHARS = 1 << 20;

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

/**
 * Writes a file so that readers see the old or the new contents, never a mix, even across a crash
 * or a kill: write a temporary file beside it (a name of its own, so concurrent writers never share
 * one), fsync, rename over, fsync the folder. `write` receives a function that appends text; the
 * text is buffered, so appending record by record is cheap.
 */
export async function writeFileAtomically(file: string, write: (append: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    let pending: string[] = [];
    let pendingChars = 0;
    const flush = async () => {
      const text = pending.join('');
      pending = [];
      pendingChars = 0;
      await writeFully(handle, Buffer.from(text, 'utf8'));
    };
    await write(async (text) => {
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= WRITE_BUFFER_CHARS) await flush();
    });
    await flush();
    await handle.sync();
    await handle.close();
    await rename(temporary, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}
