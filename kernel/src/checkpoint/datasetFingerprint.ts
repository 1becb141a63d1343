import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { VideoColumns } from '../csv/videoRows';

/** The CSV's contents and the columns used: a checkpoint belongs to exactly one such dataset. */
export async function datasetFingerprint(csvPath: string, columns: VideoColumns): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(csvPath)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}:video=${columns.videoCol}:id=${columns.idCol ?? '(row number)'}`;
}
