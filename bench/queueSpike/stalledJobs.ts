/**
 * A worker process SIGKILLed mid-job: how long until another worker has the job again (its lock must
 * expire, then a stalled check must find it), and how many such kills a job survives before BullMQ
 * fails it ("job stalled more than allowable limit").
 */
import { Queue, Worker } from 'bullmq';
import type { RedisServer } from '../../test/queue/redisServer';
import { adminClient, bullConnection, jobIdOf, sleep, videoJobData } from './spikeRedis';
import { killAndReap, startWorkerChild } from './workerChild';

export interface StallTimings {
  lockDuration: number;
  stalledInterval: number;
  /** Milliseconds from the SIGKILL until the other worker started the job, one per trial. */
  recoveryMs: number[];
  /** What was left of the killed worker's lock at the kill. */
  lockLeftMs: number[];
}

export interface StallLimitOutcome {
  maxStalledCount: number;
  kills: number;
  /** The lives of the job after each kill: 'active (stalledCounter n)' or the failure. */
  afterKills: string[];
}

/** One trial: a child takes the job, a worker here waits beside it, the child is killed after a random pause. */
async function oneRecovery(server: RedisServer, lockDuration: number, stalledInterval: number, trial: number): Promise<[number, number]> {
  const name = `stall-${lockDuration}-${stalledInterval}-${trial}`;
  const queue = new Queue(name, { connection: bullConnection(server) });
  const jobId = jobIdOf('ds5', trial);
  await queue.add('video', videoJobData('ds5', trial), { jobId });
  const doomed = startWorkerChild(server, name, [lockDuration, stalledInterval, 1], 'hang');
  await doomed.next(['active'], 30_000);
  let restartedAt = 0;
  const rescuer = new Worker(name, async () => void (restartedAt = performance.now()), { connection: bullConnection(server), lockDuration, stalledInterval });
  rescuer.on('error', (error) => console.error(`rescuer: ${error.message}`));
  await rescuer.waitUntilReady();
  await sleep(Math.random() * stalledInterval);
  const admin = adminClient(server);
  const lockLeft = await admin.pttl(`bull:${name}:${jobId}:lock`);
  await killAndReap(doomed.child);
  const killedAt = performance.now();
  while (!restartedAt) await sleep(10);
  await rescuer.close();
  await queue.obliterate({ force: true });
  await queue.close();
  admin.disconnect();
  return [Math.round(restartedAt - killedAt), lockLeft];
}

export async function measureStallRecovery(server: RedisServer, lockDuration: number, stalledInterval: number, trials: number): Promise<StallTimings> {
  const timings: StallTimings = { lockDuration, stalledInterval, recoveryMs: [], lockLeftMs: [] };
  for (let trial = 0; trial < trials; trial++) {
    const [recovery, lockLeft] = await oneRecovery(server, lockDuration, stalledInterval, trial);
    timings.recoveryMs.push(recovery);
    timings.lockLeftMs.push(lockLeft);
  }
  return timings;
}

/** Kills the worker holding the job `kills` times, each time a new worker process takes over; the last one may finish it. */
export async function measureStallLimit(server: RedisServer, maxStalledCount: number, kills: number): Promise<StallLimitOutcome> {
  const name = `limit-${maxStalledCount}-${kills}`;
  const queue = new Queue(name, { connection: bullConnection(server) });
  await queue.add('video', videoJobData('ds6', 0), { jobId: jobIdOf('ds6', 0) });
  const settings = [5_000, 2_000, maxStalledCount];
  const outcome: StallLimitOutcome = { maxStalledCount, kills, afterKills: [] };
  let holder = startWorkerChild(server, name, settings, 'hang');
  await holder.next(['active'], 30_000);
  for (let kill = 1; kill <= kills; kill++) {
    await killAndReap(holder.child);
    holder = startWorkerChild(server, name, settings, kill === kills ? 'complete' : 'hang');
    const report = await holder.next(['active', 'failed'], 60_000);
    outcome.afterKills.push(report.event === 'active' ? `active (stalledCounter ${report.stalledCounter})` : `failed: ${report.reason}`);
    if (report.event === 'failed') break;
  }
  if (!outcome.afterKills.at(-1)?.startsWith('failed')) {
    const last = await holder.next(['completed', 'failed'], 30_000).then((report) => report.event, () => 'nothing');
    outcome.afterKills.push(`then ${last}`);
  }
  await killAndReap(holder.child);
  await queue.obliterate({ force: true });
  await queue.close();
  return outcome;
}
