/**
 * redis-server SIGKILLed and started again (AOF on) while a Worker works and a Queue is connected:
 * do they reconnect by themselves, when does the worker take jobs again, does any job run twice,
 * and which 'error' events come meanwhile.
 */
import { Queue, Worker } from 'bullmq';
import type { RedisServer } from '../../test/queue/redisServer';
import { bullConnection, jobIdOf, ms, sleep, videoJobData, waitFor } from './spikeRedis';
import { killAndReap, startWorkerChild } from './workerChild';

export interface RestartOutcome {
  downMs: number;
  runRetryDelay: number;
  jobs: number;
  completed: number;
  /** Jobs whose processor ran more than once. */
  ranTwice: number;
  failed: string[];
  /** From the restarted server's ready line to the first job the worker completed after it. */
  firstCompletionAfterRestartMs: number;
  /** An add() called during the outage, on a Queue with ioredis' default retries. */
  addDuringOutage: string;
  /** 'source: message' (the port written PORT), with how often. */
  errors: Record<string, number>;
}

export interface UnlistenedOutcome {
  survived: boolean;
  completedAfterRestart: boolean;
  stderrLines: number;
  firstStderrLine: string;
}

const JOBS = 300;
const JOB_MS = 100;

export async function restartUnderLoad(server: RedisServer, downMs: number, runRetryDelay: number): Promise<RestartOutcome> {
  const name = `restart-${downMs}-${runRetryDelay}`;
  const errors: Record<string, number> = {};
  const record = (source: string) => (error: Error) => {
    const key = `${source}: ${error.message.replaceAll(String(server.port), 'PORT')}`;
    errors[key] = (errors[key] ?? 0) + 1;
  };
  // A Queue as a producer would make one: BullMQ's default connection options (ioredis' 20 retries per command).
  const queue = new Queue(name, { connection: { host: '127.0.0.1', port: server.port } });
  queue.on('error', record('queue'));
  const runs = new Map<string, number>();
  const completions: number[] = [];
  const failed: string[] = [];
  const worker = new Worker(
    name,
    async (job) => {
      runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
      await sleep(JOB_MS);
    },
    { connection: bullConnection(server), concurrency: 4, lockDuration: 5_000, stalledInterval: 2_000, runRetryDelay },
  );
  worker.on('error', record('worker'));
  worker.on('completed', () => completions.push(performance.now()));
  worker.on('failed', (job, error) => failed.push(`${job?.id}: ${error.message}`));
  await queue.addBulk(Array.from({ length: JOBS }, (_, row) => ({ name: 'video', data: videoJobData('ds7', row), opts: { jobId: jobIdOf('ds7', row) } })));
  await waitFor('some jobs completed', () => completions.length >= 20, 30_000);

  await server.kill();
  const addStarted = performance.now();
  const added = queue.add('video', videoJobData('ds7', JOBS), { jobId: jobIdOf('ds7', JOBS) });
  await sleep(downMs);
  await server.restart();
  const upAt = performance.now();
  const addDuringOutage = await added.then(
    () => `resolved ${Math.round(performance.now() - addStarted)} ms after the call, ${ms(upAt)} ms after the restart`,
    (error: Error) => `rejected: ${error.message}`,
  );
  await waitFor('a completion after the restart', () => completions.some((at) => at > upAt), 120_000).catch(() => undefined);
  const firstCompletionAfterRestartMs = Math.round((completions.find((at) => at > upAt) ?? Number.NaN) - upAt);
  await waitFor('every job completed', async () => (await queue.getCompletedCount()) + failed.length >= JOBS + 1, 120_000).catch(() => undefined);
  const completed = await queue.getCompletedCount();
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  const ranTwice = [...runs.values()].filter((count) => count > 1).length;
  return { downMs, runRetryDelay, jobs: JOBS + 1, completed, ranTwice, failed, firstCompletionAfterRestartMs, addDuringOutage, errors };
}

/** A worker process with no 'error' listener through an outage: does it live, and work afterwards? */
export async function outageWithoutErrorListener(server: RedisServer, downMs: number): Promise<UnlistenedOutcome> {
  const name = 'unlistened';
  const queue = new Queue(name, { connection: bullConnection(server) });
  queue.on('error', () => undefined);
  const worker = startWorkerChild(server, name, [5_000, 2_000, 1], 'complete-unlistened');
  await queue.add('video', videoJobData('ds8', 0), { jobId: jobIdOf('ds8', 0) });
  await worker.next(['completed'], 30_000);
  await server.kill();
  await sleep(downMs);
  await server.restart();
  await queue.add('video', videoJobData('ds8', 1), { jobId: jobIdOf('ds8', 1) });
  const completedAfterRestart = await worker.next(['completed'], 60_000).then(
    () => true,
    () => false,
  );
  const survived = worker.child.exitCode === null && worker.child.signalCode === null;
  await killAndReap(worker.child);
  await queue.obliterate({ force: true });
  await queue.close();
  return { survived, completedAfterRestart, stderrLines: worker.stderr.length, firstStderrLine: worker.stderr[0] ?? '' };
}
