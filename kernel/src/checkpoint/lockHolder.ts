import { readFile } from 'node:fs/promises';
import { hostName } from '../cluster/hostIdentity';
import { isProcessAlive } from '../processes';

/** Who holds a checkpoint's lock, as a reader that does not contend for it sees it. */
export interface LockHolder {
  host: string;
  pid: number;
  since: string;
  /** The last renewal of its lease (ISO time). */
  renewed?: string;
  /** Whether it still holds the checkpoint: its process runs (this host) or its lease has not expired (another). */
  live: boolean;
}

/** The holder of `lockPath`, or undefined when there is no lock (or it cannot be read). */
export async function readLockHolder(lockPath: string): Promise<LockHolder | undefined> {
  let owner: { host?: unknown; pid?: unknown; since?: unknown; renewed?: unknown; lease_seconds?: unknown };
  try {
    owner = JSON.parse(await readFile(lockPath, 'utf8')) as typeof owner;
  } catch {
    return undefined;
  }
  if (typeof owner.host !== 'string' || typeof owner.pid !== 'number' || typeof owner.since !== 'string') return undefined;
  const renewed = typeof owner.renewed === 'string' ? owner.renewed : owner.since;
  const leaseMs = (typeof owner.lease_seconds === 'number' ? owner.lease_seconds : 60) * 1000;
  const live = owner.host === hostName() ? isProcessAlive(owner.pid) : Date.parse(renewed) + leaseMs > Date.now();
  return { host: owner.host, pid: owner.pid, since: owner.since, renewed, live };
}
