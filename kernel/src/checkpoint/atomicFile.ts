import { open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

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

/**
 * Writes a file so that readers see the old or the new contents, never a mix, even across a crash:
 * write a temporary file beside it, fsync, rename over, fsync the folder. `write` receives a
 * function that appends text.
 */
export async function writeFileAtomically(file: string, write: (append: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await write(async (text) => {
      await handle.write(text);
    });
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
  await syncDirectory(path.dirname(file));
}
