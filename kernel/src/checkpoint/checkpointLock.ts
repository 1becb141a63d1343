import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { InputError } from '../inputError';
import { temporaryNameFor } from './atomicFile';
import { isProcessAlive } from '../processes';

/** Who holds a checkpoint: enough to tell, on this host, whether that process still runs. */
interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not taken for it. */
  process_start?: string;
  since: string;
}

/** Another live run holds the checkpoint. */
export class CheckpointLockedError extends InputError {}

/** Field 22 of /proc/<pid>/stat: when the process started. Undefined off Linux or when it is gone. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (!isProcessAlive(owner.pid)) return false;
  // The same pid, started at another time, is another process: the owner is gone.
  const start = processStart(owner.pid);
  return owner.process_start === undefined || start === undefined || start === owner.process_start;
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  return readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as LockOwner)
    .catch(() => undefined);
}

const sameOwner = (a: LockOwner | undefined, b: LockOwner) => a?.pid === b.pid && a.host === b.host && a.since === b.since;

/**
 * Takes `lockPath` for this process, so two runs never append to one checkpoint. The lock file is
 * written whole under a name of its own and then hard-linked into place: linking fails when the
 * lock exists, and a reader never sees it half written. A lock left by a process that no longer
 * runs on this host (killed, crashed) is stale: it is renamed away and, only if it is still the
 * stale one that was judged, removed (otherwise a racing run's fresh lock is put back). A lock from
 * another host cannot be checked and is never taken over. Returns the function that releases it.
 */
export async function lockCheckpoint(lockPath: string, checkpointPath: string): Promise<() => Promise<void>> {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), process_start: processStart(process.pid), since: new Date().toISOString() };
  const ownFile = temporaryNameFor(lockPath);
  await writeFile(ownFile, JSON.stringify(owner), { flush: true });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(ownFile, lockPath);
        return async () => {
          if (sameOwner(await readOwner(lockPath), owner)) await rm(lockPath, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readOwner(lockPath);
      if (holder && (holder.host !== owner.host || isAlive(holder))) {
        throw new CheckpointLockedError(
          `checkpoint ${checkpointPath} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); ` +
            `wait for that run to end, or, if it is gone, delete the lock file ${lockPath}`,
        );
      }
      if (!holder) {
        // Unreadable: not written by this code (its locks appear whole). Give a writer a moment, then judge it stale.
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (await readOwner(lockPath)) continue;
      }
      await takeOverStale(lockPath, holder);
    }
    throw new CheckpointLockedError(`could not take the lock ${lockPath} of checkpoint ${checkpointPath}: other runs keep taking it`);
  } finally {
    await rm(ownFile, { force: true });
  }
}

async function takeOverStale(lockPath: string, judged: LockOwner | undefined): Promise<void> {
  // A temporary's name: if this run is killed before removing it, the next one clears it.
  const aside = temporaryNameFor(lockPath);
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another run removed it first
    throw error;
  }
  const moved = await readOwner(aside);
  if (judged && moved && !sameOwner(moved, judged)) {
    // Between judging and renaming, another run replaced the stale lock with its own: give it back.
    await link(aside, lockPath).catch(() => undefined);
  }
  await rm(aside, { force: true });
}
