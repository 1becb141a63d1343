import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openCheckpoint } from '../../kernel/src/checkpoint/checkpoint';
import { CheckpointLeaseLostError, CheckpointLockedError, lockCheckpoint, type CheckpointLock } from '../../kernel/src/checkpoint/checkpointLock';
import { InputError } from '../../kernel/src/inputError';
import { howProcessEnded } from '../../kernel/src/processes';

/** The lock file as it is on disk. */
interface LockFile {
  pid: number;
  host: string;
  process_start?: string;
  since: string;
  renewed: string;
  lease_seconds: number;
}

const HOLDER_SCRIPT = path.join(__dirname, 'leaseHolder.js');
/** Short, so that expiry is seen within a test; renewals come every quarter of it. */
const LEASE_SECONDS = 1;
const LEASE_MS = LEASE_SECONDS * 1000;
/** This test process stands in for a second machine. */
const THIS_HOST = 'host-b';
const identity = { datasetFingerprint: { csvSha256: 'a'.repeat(64), videoCol: 'video_path', idCol: 'video_id' }, processingFingerprint: 'keyframes-16' };

/** A holder process on another machine, once it holds the lock; `printed` resolves when it prints that line. */
interface Holder {
  child: ChildProcess;
  printed(line: string): Promise<void>;
}

async function startHolder(checkpointPath: string, host: string, children: ChildProcess[]): Promise<Holder> {
  const env = { ...process.env, VBK_HOST: host, VBK_LEASE_SECONDS: String(LEASE_SECONDS) };
  const child = spawn(process.execPath, [HOLDER_SCRIPT, checkpointPath], { stdio: ['ignore', 'pipe', 'inherit'], env });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const seen = () => output.split('\n').includes(line);
      const check = () => {
        if (!seen()) return;
        stop();
        resolve();
      };
      const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
        stop();
        if (seen()) resolve();
        else reject(new Error(`the holder ${howProcessEnded(code, signal)} before it printed "${line}"`));
      };
      const stop = () => {
        child.stdout!.off('data', check);
        child.off('close', onClose);
      };
      child.stdout!.on('data', check);
      child.on('close', onClose);
      check();
    });
  await printed('locked');
  return { child, printed };
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

const readLock = async (lockPath: string) => JSON.parse(await readFile(lockPath, 'utf8')) as LockFile;

const refusedBy = (host: string) => (error: Error) =>
  error instanceof CheckpointLockedError && error.message.includes(` on ${host} `) && error.message.includes('last renewed');

async function pollUntil(done: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

describe('checkpoint lease, across machines sharing the checkpoint', function () {
  let dir: string;
  let checkpointPath: string;
  let lockPath: string;
  const children: ChildProcess[] = [];
  const held: CheckpointLock[] = [];
  const savedEnv = { VBK_HOST: process.env.VBK_HOST, VBK_LEASE_SECONDS: process.env.VBK_LEASE_SECONDS };

  /** Takes the lock as this test's machine, or is refused. */
  const lockHere = async () => {
    const lock = await lockCheckpoint(lockPath, checkpointPath, { leaseSeconds: LEASE_SECONDS });
    held.push(lock);
    return lock;
  };
  /** Tries every few milliseconds until the lock is taken; resolves with when it was. */
  const takeOnceFree = async () => {
    let takenAt = 0;
    const take = () => lockHere().then(() => ((takenAt = Date.now()), true), (error: Error) => (error instanceof CheckpointLockedError ? false : Promise.reject(error)));
    await pollUntil(take, 'the lock is taken over');
    return takenAt;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-lease-'));
    checkpointPath = path.join(dir, 'job.vbk-checkpoint.json');
    lockPath = `${checkpointPath}.lock`;
    process.env.VBK_HOST = THIS_HOST;
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGCONT');
      await killed(child);
    }
    await Promise.all(held.splice(0).map((lock) => lock.release()));
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a live lock from another host, naming it, for as long as that run renews its lease', async () => {
    const holder = await startHolder(checkpointPath, 'host-a', children);
    const first = await readLock(lockPath);
    assert.deepEqual(Object.keys(first), ['pid', 'host', 'process_start', 'since', 'renewed', 'lease_seconds']);
    assert.deepEqual([first.pid, first.host, first.lease_seconds], [holder.child.pid, 'host-a', LEASE_SECONDS]);
    await assert.rejects(lockHere(), refusedBy('host-a'));
    // Two and a half leases on: a lock that was not renewed would long have expired.
    const renewals = new Set<string>();
    await pollUntil(async () => {
      renewals.add((await readLock(lockPath)).renewed);
      return Date.now() > Date.parse(first.renewed) + 2.5 * LEASE_MS;
    }, 'two and a half leases passed');
    renewals.delete(first.renewed);
    assert.ok(renewals.size >= 2, `the lease was renewed ${renewals.size} times`);
    await assert.rejects(lockHere(), refusedBy('host-a'));
  });

  it("takes over a killed run's lock from another host only once its lease expired", async () => {
    const holder = await startHolder(checkpointPath, 'host-a', children);
    await killed(holder.child);
    const killedAt = Date.now();
    const last = await readLock(lockPath);
    await assert.rejects(lockHere(), (error: Error) => refusedBy('host-a')(error) && error.message.includes(`taken over after ${new Date(Date.parse(last.renewed) + LEASE_MS).toISOString()}`));
    const takenAt = await takeOnceFree();
    assert.ok(takenAt >= Date.parse(last.renewed) + LEASE_MS, 'not before the lease expired');
    assert.ok(takenAt - killedAt < LEASE_MS + 750, `taken ${takenAt - killedAt} ms after the kill`);
    const now = await readLock(lockPath);
    assert.deepEqual([now.pid, now.host], [process.pid, THIS_HOST]);
  });

  it('on the same host, refuses a stopped run however late its renewal, and takes over a dead one at once', async () => {
    const holder = await startHolder(checkpointPath, THIS_HOST, children);
    holder.child.kill('SIGSTOP');
    const last = await readLock(lockPath);
    await sleep(Date.parse(last.renewed) + LEASE_MS + 200 - Date.now()); // until its lease is over
    await assert.rejects(lockHere(), refusedBy(THIS_HOST));
    await killed(holder.child);
    await lockHere();
    assert.equal((await readLock(lockPath)).pid, process.pid);
  });

  it('lets a run that stalled past its lease find it lost once it wakes, leaving the new lock alone', async () => {
    const holder = await startHolder(checkpointPath, 'host-a', children);
    holder.child.kill('SIGSTOP');
    await takeOnceFree();
    const ours = await readLock(lockPath);
    const exited = once(holder.child, 'exit');
    holder.child.kill('SIGCONT');
    await holder.printed('lost');
    assert.deepEqual(await exited, [0, null]);
    const after = await readLock(lockPath);
    assert.deepEqual([after.pid, after.host, after.since], [ours.pid, ours.host, ours.since], 'the lock still names this run');
    assert.deepEqual((await readdir(dir)).filter((name) => name.includes(`.${holder.child.pid}-`)), [], 'the stalled run left no temporary');
  });

  it('stops journaling a checkpoint taken over, and at close neither saves its manifest nor removes the new lock', async () => {
    const checkpoint = await openCheckpoint(checkpointPath, identity, { leaseSeconds: LEASE_SECONDS / 4 });
    await checkpoint.append({ rowNumber: 1 }, { id: 'v1', video_path: '/v/1.mp4', status: 'processed', time: 0 });
    await checkpoint.saveManifest();
    const manifest = await readFile(checkpointPath, 'utf8');
    // Another host's run puts its own lock in place, as a take-over after expiry would.
    const now = new Date().toISOString();
    const theirs = JSON.stringify({ pid: 4242, host: 'host-a', since: now, renewed: now, lease_seconds: 60 });
    await writeFile(`${lockPath}.theirs`, theirs);
    await rename(`${lockPath}.theirs`, lockPath);
    await once(checkpoint.leaseLost, 'abort');
    const refusal = (error: Error) => error instanceof CheckpointLeaseLostError && error.message.includes('process 4242 on host-a');
    assert.ok(refusal(checkpoint.leaseLost.reason as Error), String(checkpoint.leaseLost.reason));
    await assert.rejects(checkpoint.append({ rowNumber: 2 }, { id: 'v2', video_path: '/v/2.mp4', status: 'processed', time: 0 }), refusal);
    await checkpoint.close();
    assert.equal(await readFile(lockPath, 'utf8'), theirs, 'the other run keeps its lock');
    assert.equal(await readFile(checkpointPath, 'utf8'), manifest, 'the manifest is left to the other run');
    assert.equal((await readFile(`${checkpointPath}.journal`, 'utf8')).split('\n').filter(Boolean).length, 1, 'nothing journaled after the loss');
  });

  it('refuses a lease that is not a number of seconds > 0, naming VBK_LEASE_SECONDS', async () => {
    process.env.VBK_LEASE_SECONDS = 'soon';
    await assert.rejects(lockCheckpoint(lockPath, checkpointPath), (error: Error) => error instanceof InputError && /VBK_LEASE_SECONDS .*'soon'/.test(error.message));
    assert.deepEqual(await readdir(dir), [], 'nothing was written');
  });
});
