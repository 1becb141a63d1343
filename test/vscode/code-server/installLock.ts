/**
 * One install at a time per checkout: test runs started together (a CI job and a developer's run,
 * two mocha processes) would otherwise install into the same node_modules at once and break both.
 * The lock is a folder (mkdir is atomic) holding its owner's pid, so a killed owner's lock is taken over.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../../../kernel/src/processes';

/** Longer than a slow install takes; then the waiter gives up with a message naming the lock. */
const LOCK_WAIT_MS = 30 * 60_000;
/** A lock folder left without a pid this long belongs to a process killed right after creating it. */
const PIDLESS_LOCK_STALE_MS = 10_000;

function ownerPid(lockDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isStale(lockDir: string): boolean {
  const pid = ownerPid(lockDir);
  if (pid !== undefined) return !isProcessAlive(pid);
  try {
    return Date.now() - statSync(lockDir).mtimeMs > PIDLESS_LOCK_STALE_MS;
  } catch {
    return false; // just released
  }
}

function tryAcquire(lockDir: string): boolean {
  try {
    mkdirSync(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
  return true;
}

/** Runs `work` holding the lock, after waiting for another holder to finish. */
export async function withInstallLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  while (!tryAcquire(lockDir)) {
    if (isStale(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another install still holds ${lockDir} (pid ${ownerPid(lockDir) ?? 'unknown'}) after ${LOCK_WAIT_MS / 60_000} min`);
    if (!announced) process.stdout.write(`Waiting for another install of the VS Code test harness (pid ${ownerPid(lockDir) ?? 'unknown'}) to finish\n`);
    announced = true;
    await sleep(1000);
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
