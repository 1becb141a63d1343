import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DecoderConfig } from '../../config/decoderConfig';
import { DEFAULT_MAX_WORKER_MEMORY_MB, defaultWorkerCount, rowsInFlight } from '../../processingDefaults';
import { RunWorkers } from '../../processor/runWorkers';
import { runChunk } from './chunkRun';
import { MachineTally } from './machineHeartbeat';
import { readQueueJob, type ChunkRef, type QueueJobSpec } from './queueJob';
import { publishHeartbeat, recordChunkSettled } from './queueProgress';
import { DEFAULT_LOCK_SECONDS, DEFAULT_QUEUE } from './queueDefaults';
import { oncePerMinute, redisConnection } from './redisConnection';

export interface QueueWorkerOptions {
  redis: string;
  queue?: string;
  /** Decoding processes (default: CPU cores, at most 8). */
  numWorkers?: number;
  /** Stop once the queue has nothing waiting, delayed or running (anywhere). */
  exitWhenIdle?: boolean;
  /**
   * How long a chunk stays with a worker that stopped answering (killed, or its machine gone)
   * before the queue gives it to another: BullMQ's lock duration and stalled-check interval.
   */
  lockSeconds?: number;
  signal?: AbortSignal;
  log(line: string): void;
}

const HEARTBEAT_MS = 1000;
const IDLE_CHECK_MS = 1000;
/** With --exit-when-idle, how long a worker that never saw work waits for a job to be submitted. */
const FIRST_WORK_GRACE_MS = 30_000;
/** A chunk's worker may be killed this often before the queue fails the chunk. */
const MAX_STALLS = 100;

/** The chunks this worker ran, and how many of them it committed itself. */
export interface QueueWorkerSummary {
  chunks: number;
  committed: number;
}

/** The chunk a worker runs now. */
interface RunningChunk {
  spec: QueueJobSpec;
  workers: RunWorkers;
  abort: AbortController;
}

/** One queue worker process's state: its pools, the specs it read, the chunk it runs. */
class ChunkTaker {
  readonly tally: MachineTally;
  readonly summary: QueueWorkerSummary = { chunks: 0, committed: 0 };
  current?: RunningChunk;
  /** The job heartbeats speak of: the last one this worker ran a chunk of. */
  lastJob?: { spec: QueueJobSpec; workers: RunWorkers };
  private readonly pools = new Map<string, RunWorkers>();
  private readonly specs = new Map<string, QueueJobSpec>();
  /** The last chunk's own run, settled either way: it needs no Redis, so a stop can always wait for it. */
  private chunkRun: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: QueueWorkerOptions,
    private readonly queueName: string,
    private readonly numWorkers: number,
    private readonly connection: Redis,
  ) {
    this.tally = new MachineTally(numWorkers);
    this.tally.on('log', options.log);
  }

  /** BullMQ's processor: runs the chunk, records it settled, answers its counts. */
  async process(job: Job<ChunkRef>): Promise<object> {
    const spec = await this.specFor(job.data);
    const current: RunningChunk = { spec, workers: this.poolFor(spec), abort: new AbortController() };
    this.current = current;
    this.lastJob = current;
    this.tally.startChunk(job.data.chunk);
    try {
      const signal = this.options.signal ? AbortSignal.any([current.abort.signal, this.options.signal]) : current.abort.signal;
      const run = runChunk(spec, job.data, { workers: current.workers, events: this.tally, signal, maxInFlight: rowsInFlight(this.numWorkers) });
      this.chunkRun = run.catch(() => undefined);
      const outcome = await run;
      await recordChunkSettled(this.connection, this.queueName, spec.job_id, job.data.chunk, outcome.counts);
      this.summary.chunks++;
      if (outcome.committed === 'now') this.summary.committed++;
      return { committed: outcome.committed, ...outcome.counts };
    } finally {
      this.tally.endChunk();
      this.current = undefined;
    }
  }

  /** Resolves once the chunk run last started has ended (its checkpoint closed), however it ended. */
  chunkEnded(): Promise<unknown> {
    return this.chunkRun;
  }

  heartbeat(at?: number): Promise<void> {
    if (!this.lastJob) return Promise.resolve();
    const beat = this.tally.heartbeat(this.lastJob.workers);
    return publishHeartbeat(this.connection, this.queueName, this.lastJob.spec.job_id, at === undefined ? beat : { ...beat, at }).catch(() => undefined);
  }

  async closePools(): Promise<void> {
    for (const pool of this.pools.values()) await pool.close();
  }

  /** One pool per decoder configuration: jobs that decode alike share their processes. */
  private poolFor(spec: QueueJobSpec): RunWorkers {
    const key = JSON.stringify([spec.decoder, spec.timeout_seconds]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new RunWorkers({
        config: new DecoderConfig(spec.decoder), size: this.numWorkers, timeoutMs: spec.timeout_seconds * 1000,
        maxWorkerRssBytes: DEFAULT_MAX_WORKER_MEMORY_MB * 2 ** 20, onDevice: (choice) => this.tally.emit('device', choice), log: this.options.log,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  private async specFor(ref: ChunkRef): Promise<QueueJobSpec> {
    let spec = this.specs.get(ref.out_dir);
    if (spec?.job_id === ref.job_id) return spec;
    spec = await readQueueJob(ref.out_dir);
    if (!spec || spec.job_id !== ref.job_id) {
      throw new Error(`${ref.out_dir} holds ${spec ? `job ${spec.job_id}` : 'no queue job'}, not job ${ref.job_id} of this chunk: was the folder reused for another job?`);
    }
    this.specs.set(ref.out_dir, spec);
    return spec;
  }
}

/** Resolves when `signal` aborts (interrupting the running chunk) or, with `exitWhenIdle`, when the queue has no work left anywhere. */
function untilStopped(options: QueueWorkerOptions, taker: ChunkTaker, queue: Queue): Promise<void> {
  return new Promise<void>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      for (const timer of timers) clearInterval(timer);
      taker.current?.abort.abort();
      resolve();
    };
    if (options.signal?.aborted) return stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    if (!options.exitWhenIdle) return;
    // A killed worker's chunk stays 'active' until its lock expires and a stalled check puts it back
    // to wait: a worker that left while any chunk is active could leave it to nobody. A worker that
    // has not yet seen any work (started before the job's submit) waits a while for it.
    const startedAt = performance.now();
    let seenWork = false;
    const idleCheck = setInterval(() => {
      if (taker.current) {
        seenWork = true;
        return;
      }
      void queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children').then((counts) => {
        const idle = Object.values(counts).every((count) => count === 0);
        // A chunk run between two checks is work seen too, however short it was.
        seenWork ||= !idle || taker.summary.chunks > 0;
        const gaveUpWaiting = performance.now() - startedAt >= FIRST_WORK_GRACE_MS;
        if (!taker.current && idle && (seenWork || gaveUpWaiting)) stop();
      }, () => undefined);
    }, IDLE_CHECK_MS);
    timers.push(idleCheck);
  });
}

/**
 * Closes the worker once stopped. While Redis answers it closes gracefully: the queue is told how the
 * running chunk ended (an interrupted one is handed back at once). While Redis is unreachable
 * nothing that needs it is waited for, or a stop would last until Redis came back (BullMQ's
 * graceful close waits for it, and commands wait through reconnects): the chunk's own run ends
 * (its checkpoint closed), the worker is closed by force and the commands still pending are
 * dropped; the queue gives the chunk out again when its lock expires, as after a kill.
 */
async function letGo(worker: Worker<ChunkRef>, taker: ChunkTaker, queue: Queue, connection: Redis): Promise<void> {
  await taker.chunkEnded();
  const reachable = connection.status === 'ready';
  await worker.close(!reachable);
  if (reachable) await taker.heartbeat(0); // gone: its heartbeat is stale at once
  else connection.disconnect();
  await taker.closePools();
  await queue.close();
  connection.disconnect();
}

/**
 * A worker of the job queue: takes one chunk at a time from BullMQ and runs it (`runChunk`) on a
 * pool of decoding processes kept from chunk to chunk, sending a heartbeat for the job every
 * second. Delivery is at least once; `runChunk` makes the effect exactly once. Resolves when
 * stopped through `signal` (the chunk running then is interrupted, its checkpoint kept, and the
 * queue gives it out again) or, with `exitWhenIdle`, once no work is left.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const lockMs = (options.lockSeconds ?? DEFAULT_LOCK_SECONDS) * 1000;
  const connection = redisConnection(options.redis, options.log);
  const taker = new ChunkTaker(options, queueName, options.numWorkers ?? defaultWorkerCount(), connection);
  const worker = new Worker<ChunkRef>(queueName, (job) => taker.process(job), {
    connection, concurrency: 1, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: MAX_STALLS,
  });
  const sayError = oncePerMinute(options.log);
  worker.on('error', (error) => sayError(`queue worker: ${error.message}`));
  worker.on('failed', (job, error) => options.log(`chunk ${job?.data.chunk ?? '?'} of job ${job?.data.job_id ?? '?'}: ${error.message} (attempt ${job?.attemptsMade ?? '?'})`));
  const heartbeat = setInterval(() => void taker.heartbeat(), HEARTBEAT_MS);
  const queue = new Queue(queueName, { connection });
  queue.on('error', () => undefined); // the connection's own handler reports it
  try {
    await untilStopped(options, taker, queue);
  } finally {
    clearInterval(heartbeat);
    await letGo(worker, taker, queue, connection);
  }
  return taker.summary;
}
