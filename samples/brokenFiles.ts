import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Files that look like videos but are not, written next to a real video `good`. */
export async function writeBrokenFiles(dir: string, good: string): Promise<Record<string, string>> {
  const files = {
    zeroBytes: path.join(dir, 'zero.mp4'),
    truncated: path.join(dir, 'truncated.mp4'),
    randomBytes: path.join(dir, 'random.mp4'),
    text: path.join(dir, 'text.mp4'),
  };
  const bytes = await readFile(good);
  await writeFile(files.zeroBytes, Buffer.alloc(0));
  // The first third of an mp4 whose index (moov) sits at the end: no frame can be found.
  await writeFile(files.truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
  let state = 7;
  await writeFile(files.randomBytes, Buffer.from(Array.from({ length: 4096 }, () => (state = (state * 48271) % 2147483647) & 255)));
  await writeFile(files.text, 'id,path\nnot,a video\n');
  return files;
}
