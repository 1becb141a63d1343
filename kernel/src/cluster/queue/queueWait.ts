import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ProgressSnapshot } from '../../processor/progressEvents';
import { datasetStats } from '../../stats/processingStats';
import type { ChunkRef, QueueJobSpec } from './queueJob';
import { readQueueProgress, type QueueProgress } from './queueProgress';

const POLL_MS = 1000;
/** Failed chunks are looked for less often: listing them reads every failed job of the queue. */
const FAILED_CHECK_MS = 5000;

/** A chunk failed every attempt the queue gives it: the job cannot finish without a fix and a new submit. */
export class ChunkFailedError extends Error {}

/** The job's progress as the one snapshot shape every display takes: the machines' rates summed. */
export function queueSnapshot(spec: QueueJobSpec, progress: QueueProgress, elapsedSeconds: number): ProgressSnapshot {
  const { counts, machines } = progress;
  const done = counts.processed + counts.failed + counts.skipped;
  const videosPerSecond = machines.reduce((sum, machine) => sum + machine.videosPerSecond, 0);
  const left = Math.max(0, spec.total_rows - done);
  return {
    total: spec.total_rows,
    done,
    ...counts,
    elapsedSeconds,
    videosPerSecond,
    etaSeconds: left === 0 ? 0 : videosPerSecond > 0 ? left / videosPerSecond : null,
    framesPerSecond: {
      cpu: machines.reduce((sum, machine) => sum + machine.framesPerSecond.cpu, 0),
      gpu: machines.reduce((sum, machine) => sum + machine.framesPerSecond.gpu, 0),
    },
    workers: [],
    dataset: datasetStats(spec.total_rows, counts),
    machines: machines.map(({ host, pid, workers, done: machineDone, videosPerSecond: rate, framesPerSecond, active }) => ({
      host, pid, workers, done: machineDone, videosPerSecond: rate, framesPerSecond, active,
    })),
  };
}

/** The chunks of this job that failed for good, as `chunk N: reason` lines. */
async function failedChunks(queue: Queue<ChunkRef>, spec: QueueJobSpec): Promise<string[]> {
  const failed = await queue.getFailed();
  return failed.filter((job) => job.data.job_id === spec.job_id && job.attemptsMade >= (job.opts.attempts ?? 1)).map((job) => `chunk ${job.data.chunk}: ${job.failedReason}`);
}

/**
 * `read`'s value, or undefined once `signal` aborts first. Commands wait through Redis's reconnects
 * (`maxRetriesPerRequest: null`), so while Redis is unreachable a read never ends by itself: a stop
 * must not wait for it.
 */
function unlessAborted<T>(read: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return read;
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Both outcomes are handled, also after an abort: a read dropped then may still fail later.
    read.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

/**
 * Polls the job's progress every second, handing each snapshot to `onProgress`, until every chunk
 * is settled; rejects when a chunk has failed for good, and stops (resolving false) when `signal`
 * aborts, also while Redis is unreachable: the job goes on on its workers, and waiting again picks
 * it up. A Redis restart only pauses the polling.
 */
export async function waitForQueueJob(
  connection: Redis, queueName: string, spec: QueueJobSpec, onProgress: (snapshot: ProgressSnapshot) => void, signal?: AbortSignal,
): Promise<boolean> {
  const started = performance.now();
  const queue = new Queue<ChunkRef>(queueName, { connection });
  queue.on('error', () => undefined); // the connection's own handler reports it
  let failedCheckedAt = -Infinity;
  try {
    while (!signal?.aborted) {
      const progress = await unlessAborted(readQueueProgress(connection, queueName, spec.job_id), signal);
      if (!progress) break;
      onProgress(queueSnapshot(spec, progress, (performance.now() - started) / 1000));
      if (progress.chunksSettled >= spec.chunks) return true;
      if (performance.now() - failedCheckedAt >= FAILED_CHECK_MS) {
        failedCheckedAt = performance.now();
        const failed = (await unlessAborted(failedChunks(queue, spec), signal)) ?? [];
        if (failed.length) throw new ChunkFailedError(`job ${spec.job_id} cannot finish: ${failed.slice(0, 10).join('; ')}${failed.length > 10 ? ` (and ${failed.length - 10} more)` : ''}. Fix the cause and submit it again: finished chunks are kept.`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
    return false;
  } finally {
    await queue.close();
  }
}
