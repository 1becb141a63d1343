import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostName } from '../cluster/hostIdentity';
import { InputError } from '../inputError';
import { temporaryNameFor } from './atomicFile';
import { isProcessAlive } from '../processes';

/**
 * How long a run on another host may go without renewing before its lock is taken over: long
 * enough that a busy machine or a slow shared disk never loses it, short enough that a machine
 * that is gone holds the checkpoint up for a minute only.
 */
const DEFAULT_LEASE_SECONDS = 60;
/** Renewals per lease: a late one or two (a slow shared disk) do not lose it. */
const RENEWALS_PER_LEASE = 4;

/** Who holds a checkpoint, and until when: enough to tell whether that run still lives. */
interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not taken for it. */
  process_start?: string;
  since: string;
  /** When the holder last renewed its lease (ISO time); a lock written before leases has none. */
  renewed?: string;
  lease_seconds?: number;
}

/** A lock this process writes: it always carries a lease. */
type OwnLock = LockOwner & Required<Pick<LockOwner, 'renewed' | 'lease_seconds'>>;

/** Another live run holds the checkpoint. */
export class CheckpointLockedError extends InputError {}

/**
 * The checkpoint was taken over by another run while this one held it (this one went past its
 * lease without renewing: a paused machine, a frozen mount), or its lock was deleted. Not the
 * input's fault: the run stopped so that two runs never write one checkpoint.
 */
export class CheckpointLeaseLostError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface CheckpointLockOptions {
  /** How long the lease lasts unrenewed, in seconds; default `VBK_LEASE_SECONDS`, else 60. */
  leaseSeconds?: number;
}

/** A lock this process holds, renewed while it is held. */
export interface CheckpointLock {
  /** Aborts, with a CheckpointLeaseLostError as its reason, once the lock is no longer this run's. */
  readonly lost: AbortSignal;
  /** Whether the lock is still this run's: renews first when the lease may have run out, since another host may then have taken it. */
  holds(): Promise<boolean>;
  /** Stops renewing and removes the lock, when it is still this run's. */
  release(): Promise<void>;
}

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

/** When the holder's lease runs out: its last renewal (for a lock from before leases, when it was taken) plus its lease. */
function leaseExpiry(holder: LockOwner): number {
  return Date.parse(holder.renewed ?? holder.since) + (holder.lease_seconds ?? DEFAULT_LEASE_SECONDS) * 1000;
}

/**
 * Whether the holder's run lives. On this host its process says so, however late its renewal (a
 * busy machine). Another host's process cannot be seen from here: its lease says so instead, read
 * against this host's clock, so hosts that share a checkpoint need synchronised clocks (NTP).
 */
function isLive(holder: LockOwner, host: string): boolean {
  return holder.host === host ? isAlive(holder) : leaseExpiry(holder) > Date.now();
}

/** The option, else `VBK_LEASE_SECONDS`, else the default; anything but a number of seconds > 0 is refused, naming where it came from. */
function leaseSecondsOf(option: number | undefined): number {
  const fromEnv = process.env.VBK_LEASE_SECONDS;
  const [name, given] = option !== undefined ? ['leaseSeconds', option] : fromEnv ? ['VBK_LEASE_SECONDS', fromEnv] : ['', DEFAULT_LEASE_SECONDS];
  const seconds = Number(given);
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new InputError(`${name} must be a number of seconds > 0, got '${given}'`);
  return seconds;
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  return readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as LockOwner)
    .catch(() => undefined);
}

/** Who holds a checkpoint's lock, as a reader that does not contend for it (status) sees it. */
export interface LockHolder {
  host: string;
  pid: number;
  since: string;
  /** Its lease's last renewal (ISO time). */
  renewed: string;
  /** Whether its run still holds the checkpoint, judged as a contender would judge it. */
  live: boolean;
}

/** The holder of `lockPath`, or undefined when there is no lock (or it cannot be read). */
export async function readLockHolder(lockPath: string): Promise<LockHolder | undefined> {
  const owner = await readOwner(lockPath);
  if (!owner || typeof owner.host !== 'string' || typeof owner.pid !== 'number') return undefined;
  return { host: owner.host, pid: owner.pid, since: owner.since, renewed: owner.renewed ?? owner.since, live: isLive(owner, hostName()) };
}

const sameOwner = (a: LockOwner | undefined, b: LockOwner) => a?.pid === b.pid && a.host === b.host && a.since === b.since;

function refusal(holder: LockOwner, host: string, lockPath: string, checkpointPath: string): string {
  const who = `checkpoint ${checkpointPath} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}, last renewed ${holder.renewed ?? holder.since})`;
  if (holder.host === host) return `${who}; wait for that run to end: the lock ${lockPath} is taken over once that process is gone`;
  return `${who}; wait for that run to end; if its host is gone, the lock ${lockPath} is taken over after ${new Date(leaseExpiry(holder)).toISOString()}`;
}

/**
 * Takes `lockPath` for this process, so two runs never append to one checkpoint. The lock file is
 * written whole under a name of its own and then hard-linked into place: linking fails when the
 * lock exists, and a reader never sees it half written. A lock left by a process that no longer
 * runs on this host (killed, crashed), or one from another host whose lease ran out, is stale: it
 * is renamed away and, only if it is still the stale one that was judged, removed (otherwise a
 * racing run's fresh lock, or a renewed one, is put back). The lock is renewed while held.
 */
export async function lockCheckpoint(lockPath: string, checkpointPath: string, options: CheckpointLockOptions = {}): Promise<CheckpointLock> {
  const now = new Date().toISOString();
  const leaseSeconds = leaseSecondsOf(options.leaseSeconds);
  const owner: OwnLock = { pid: process.pid, host: hostName(), process_start: processStart(process.pid), since: now, renewed: now, lease_seconds: leaseSeconds };
  const ownFile = temporaryNameFor(lockPath);
  await writeFile(ownFile, JSON.stringify(owner), { flush: true });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(ownFile, lockPath);
        return new HeldLock(lockPath, checkpointPath, owner);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readOwner(lockPath);
      if (holder && isLive(holder, owner.host)) throw new CheckpointLockedError(refusal(holder, owner.host, lockPath, checkpointPath));
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
  if (judged && moved && (!sameOwner(moved, judged) || moved.renewed !== judged.renewed)) {
    // Between judging and renaming, another run replaced the stale lock with its own, or its holder
    // woke and renewed it: either way it is live, give it back.
    await link(aside, lockPath).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

/**
 * A lock this process took, renewed every lease / RENEWALS_PER_LEASE: the new contents are written
 * whole beside it, and renamed over it only once it is seen to be still this run's. One that is
 * not (taken over, deleted) is lost: renewal stops and `lost` aborts.
 */
class HeldLock implements CheckpointLock {
  private readonly lostController = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();
  private released = false;

  constructor(
    private readonly lockPath: string,
    private readonly checkpointPath: string,
    private owner: OwnLock,
  ) {
    // Unref'd: a lock alone keeps no process alive.
    this.timer = setInterval(() => void this.renew(), (owner.lease_seconds * 1000) / RENEWALS_PER_LEASE).unref();
  }

  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  async holds(): Promise<boolean> {
    if (Date.now() >= leaseExpiry(this.owner)) await this.renew();
    return !this.lost.aborted;
  }

  async release(): Promise<void> {
    this.released = true;
    clearInterval(this.timer);
    // A renewal in flight would put the lock back after it is removed: let it end first.
    await this.renewing;
    if (sameOwner(await readOwner(this.lockPath), this.owner)) await rm(this.lockPath, { force: true });
  }

  /** One renewal at a time: two would race their renames. */
  private renew(): Promise<void> {
    this.renewing = this.renewing.then(() => this.renewOnce());
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    if (this.released || this.lost.aborted) return;
    const renewed: OwnLock = { ...this.owner, renewed: new Date().toISOString() };
    const temporary = temporaryNameFor(this.lockPath);
    let loss: { holder?: LockOwner; cause?: unknown } | undefined;
    try {
      await writeFile(temporary, JSON.stringify(renewed), { flush: true });
      const current = await readOwner(this.lockPath);
      if (sameOwner(current, this.owner)) {
        // Another host may take the lock between this check and the rename only if this run's lease
        // has run out: a window as short as the check, for a run that stalled a whole lease.
        await rename(temporary, this.lockPath);
        this.owner = renewed;
      } else {
        loss = { holder: current };
      }
    } catch (error) {
      // Shared storage that fails for a moment: the next renewal tries again, while the lease lasts.
      if (Date.now() >= leaseExpiry(this.owner)) loss = { cause: error };
    }
    // Removed before the loss is told: whoever hears of it may end the process there and then.
    await rm(temporary, { force: true }).catch(() => undefined);
    if (loss) this.lose(loss.holder, loss.cause);
  }

  private lose(holder: LockOwner | undefined, cause?: unknown): void {
    clearInterval(this.timer);
    const what = holder
      ? `was taken over by another run (process ${holder.pid} on ${holder.host}, since ${holder.since}) while this one went past its lease without renewing it`
      : cause
        ? `went past its lease: its lock ${this.lockPath} could not be renewed (${(cause as Error).message})`
        : `lost its lock ${this.lockPath} (deleted, or being taken over by another run)`;
    this.lostController.abort(new CheckpointLeaseLostError(`checkpoint ${this.checkpointPath} ${what}; this run stopped so that the two never write one checkpoint`, { cause }));
  }
}
