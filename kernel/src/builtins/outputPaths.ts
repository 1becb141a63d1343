import { createHash } from 'node:crypto';
import * as path from 'node:path';

/**
 * A folder name for a video id that is safe on every file system. Ids are data (they may hold
 * slashes, `..`, or characters Windows forbids), so anything outside a small set is replaced, and a
 * short hash of the original keeps two ids that clean to the same name apart.
 */
export function folderNameForId(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 80);
  if (cleaned === id && cleaned.length > 0) return cleaned;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${cleaned || 'video'}-${digest}`;
}

/** Where a built-in writes the images of one video: `<outputDir>/<kind>/<id folder>/`. */
export function videoOutputDir(outputDir: string, kind: string, videoId: string): string {
  return path.join(outputDir, kind, folderNameForId(videoId));
}
