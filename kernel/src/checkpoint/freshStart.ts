import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import * as path from 'node:path';
import { syncDirectory } from './atomicFile';

/** What a refusal to resume tells the user to do instead; the old files are never deleted for them. */
export const FRESH_START_HINT =
  'to start over, run with --fresh (CLI) or fresh: true (processDataset), which moves the old checkpoint aside ' +
  '(nothing is resumed then; every video runs again)';

/**
 * Moves a checkpoint's files aside (`<file>.replaced-<time>`), so a fresh start loses nothing a
 * user may still want, a damaged checkpoint included. Run holding the checkpoint's lock.
 */
export async function moveCheckpointAside(files: string[]): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const present = files.filter((file) => existsSync(file));
  for (const file of present) await rename(file, `${file}.replaced-${stamp}`);
  if (present.length) await syncDirectory(path.dirname(present[0]));
}
