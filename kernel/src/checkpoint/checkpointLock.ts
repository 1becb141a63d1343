import { open, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import { InputError } from '../inputError';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `lockPath` for this process, so two runs never append to one checkpoint. A lock left by a
 * process that no longer exists on this host (killed, crashed) is stale and taken over. Returns the
 * function that releases it.
 */
export async function lockCheckpoint(lockPath: string, checkpointPath: string): Promise<() => Promise<void>> {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify(owner));
      await handle.sync();
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readFile(lockPath, 'utf8').then((text) => JSON.parse(text) as LockOwner).catch(() => undefined);
    const stale = !holder || (holder.host === owner.host && !isAlive(holder.pid));
    if (!stale) {
      throw new InputError(
        `checkpoint ${checkpointPath} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); ` +
          `wait for that run to end, or delete ${lockPath} if it is gone`,
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new InputError(`could not take the lock ${lockPath} of checkpoint ${checkpointPath}`);
}
