/**
 * What a dataset's jobs cost in Redis (waiting, then completed and kept) and whether adding the same
 * deterministic ids again adds nothing: a resumed run re-adds every row of its CSV and must find the
 * ones already queued or done.
 */
import { Queue, Worker, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisServer } from '../../test/queue/redisServer';
import { adminClient, bullConnection, jobIdOf, keyMemory, ms, usedMemory, videoJobData, waitFor, type VideoJobData } from './spikeRedis';

const KEPT: JobsOptions = { removeOnComplete: false, removeOnFail: false };

export interface MemoryFigures {
  jobs: number;
  jobDataBytes: number;
  perWaitingJob: number;
  perCompletedJob: number;
  /** The events stream, capped near 10,000 entries whatever the number of jobs: apart from the per-job cost. */
  eventsStreamBytes: number;
  perWaitingJobWithoutStream: number;
  perCompletedJobWithoutStream: number;
  jobHashWaiting: number;
  jobHashCompleted: number;
}

export interface DedupeFigures {
  jobs: number;
  firstAddMs: number;
  firstAddChunkedMs: number;
  againWhileWaitingMs: number;
  countsAfterAgainWhileWaiting: Record<string, number>;
  dataKeptOnReAdd: boolean;
  againWhenCompletedMs: number;
  countsAfterAgainWhenCompleted: Record<string, number>;
  removedOnCompleteReAdded: number;
}

const bulkOf = (dataset: string, rows: number, opts: JobsOptions = KEPT) =>
  Array.from({ length: rows }, (_, row) => ({ name: 'video', data: videoJobData(dataset, row), opts: { ...opts, jobId: jobIdOf(dataset, row) } }));

const counts = (queue: Queue) => queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');

const allFinished = (queue: Queue) => async () => (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0;

/** Runs a worker until the queue has nothing waiting or active, then closes it (its connections would count as memory). */
async function drain(server: RedisServer, queue: Queue): Promise<void> {
  const worker = new Worker<VideoJobData>(queue.name, async (job) => ({ videoId: job.data.videoId, frames: 16 }), { connection: bullConnection(server), concurrency: 100 });
  worker.on('error', (error) => console.error(`worker: ${error.message}`));
  await waitFor(`${queue.name} to be drained`, allFinished(queue), 300_000, 200);
  await worker.close();
}

async function newQueue(server: RedisServer, name: string): Promise<Queue<VideoJobData>> {
  const queue = new Queue<VideoJobData>(name, { connection: bullConnection(server) });
  queue.on('error', (error) => console.error(`queue: ${error.message}`));
  await queue.waitUntilReady();
  return queue;
}

export async function measureMemory(server: RedisServer, jobs = 10_000): Promise<MemoryFigures> {
  const admin = adminClient(server);
  const queue = await newQueue(server, 'memory');
  const key = (suffix: string) => `${queue.opts.prefix ?? 'bull'}:${queue.name}:${suffix}`;
  const sampleJob = key(jobIdOf('ds1', 0));
  const before = await usedMemory(admin);
  await queue.addBulk(bulkOf('ds1', jobs));
  const waiting = (await usedMemory(admin)) - before;
  const streamWaiting = await keyMemory(admin, key('events'));
  const jobHashWaiting = await keyMemory(admin, sampleJob);
  await drain(server, queue);
  const completed = (await usedMemory(admin)) - before;
  const eventsStreamBytes = await keyMemory(admin, key('events'));
  const figures: MemoryFigures = {
    jobs,
    jobDataBytes: JSON.stringify(videoJobData('ds1', 0)).length,
    perWaitingJob: Math.round(waiting / jobs),
    perCompletedJob: Math.round(completed / jobs),
    eventsStreamBytes,
    perWaitingJobWithoutStream: Math.round((waiting - streamWaiting) / jobs),
    perCompletedJobWithoutStream: Math.round((completed - eventsStreamBytes) / jobs),
    jobHashWaiting,
    jobHashCompleted: await keyMemory(admin, sampleJob),
  };
  await closeAll(queue, admin);
  return figures;
}

async function closeAll(queue: Queue, admin: Redis): Promise<void> {
  await queue.obliterate({ force: true });
  await queue.close();
  admin.disconnect();
}

/** Re-adding ids that are waiting or completed (kept): nothing is added and the first data stays. */
export async function measureDedupe(server: RedisServer, jobs = 8_000): Promise<DedupeFigures> {
  const admin = adminClient(server);
  const queue = await newQueue(server, 'dedupe');
  let start = performance.now();
  await queue.addBulk(bulkOf('ds2', jobs));
  const firstAddMs = ms(start);
  const changed = bulkOf('ds2', jobs).map((job) => ({ ...job, data: { ...job.data, numFrames: 99 } }));
  start = performance.now();
  await queue.addBulk(changed);
  const againWhileWaitingMs = ms(start);
  const countsAfterAgainWhileWaiting = await counts(queue);
  const dataKeptOnReAdd = (await queue.getJob(jobIdOf('ds2', 0)))?.data.numFrames === 16;
  await drain(server, queue);
  start = performance.now();
  await queue.addBulk(bulkOf('ds2', jobs));
  const againWhenCompletedMs = ms(start);
  const countsAfterAgainWhenCompleted = await counts(queue);
  await closeAll(queue, admin);
  return {
    jobs,
    firstAddMs,
    firstAddChunkedMs: await chunkedAdd(server, jobs, 1_000),
    againWhileWaitingMs,
    countsAfterAgainWhileWaiting,
    dataKeptOnReAdd,
    againWhenCompletedMs,
    countsAfterAgainWhenCompleted,
    removedOnCompleteReAdded: await reAddAfterRemoval(server, 100),
  };
}

async function chunkedAdd(server: RedisServer, jobs: number, chunk: number): Promise<number> {
  const queue = await newQueue(server, 'chunked');
  const bulk = bulkOf('ds3', jobs);
  const start = performance.now();
  for (let from = 0; from < jobs; from += chunk) await queue.addBulk(bulk.slice(from, from + chunk));
  const took = ms(start);
  await queue.obliterate({ force: true });
  await queue.close();
  return took;
}

/** With removeOnComplete the finished job's key is gone, so the same id is a new job: how many of `jobs` come back. */
async function reAddAfterRemoval(server: RedisServer, jobs: number): Promise<number> {
  const queue = await newQueue(server, 'removed');
  await queue.addBulk(bulkOf('ds4', jobs, { removeOnComplete: true }));
  await drain(server, queue);
  await queue.addBulk(bulkOf('ds4', jobs, { removeOnComplete: true }));
  const added = await queue.getWaitingCount();
  await queue.obliterate({ force: true });
  await queue.close();
  return added;
}
