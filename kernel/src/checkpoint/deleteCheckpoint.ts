import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { syncDirectory } from './atomicFile';
import { journalPathOf } from './checkpointFiles';
import { lockCheckpoint } from './checkpointLock';

/**
 * Removes a checkpoint (its manifest and journal), so that its job starts over on its next run;
 * the results and frames it produced stay. It is done holding the checkpoint's lock, so a run that
 * holds it live makes this a CheckpointLockedError naming that run (deleting the files under it
 * would leave it journaling into a file nobody reads), and no run can start meanwhile.
 */
export async function deleteCheckpoint(checkpointPath: string): Promise<void> {
  const lock = await lockCheckpoint(`${checkpointPath}.lock`, checkpointPath);
  try {
    for (const file of [checkpointPath, journalPathOf(checkpointPath)]) await rm(file, { force: true });
    await syncDirectory(path.dirname(checkpointPath));
  } finally {
    await lock.release();
  }
}
