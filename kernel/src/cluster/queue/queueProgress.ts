import type { Redis } from 'ioredis';
import type { RecordStatus } from '../../checkpoint/rowOutcomes';
import type { MachineProgress } from '../../processor/progressEvents';

/**
 * The job's progress in Redis, beside BullMQ's own keys: a hash of settled chunks (chunk -> its
 * counts), written when a chunk commits, and a hash of machine heartbeats. Setting a chunk's counts
 * twice (a delivery after the commit) sets the same value, so the totals never count a chunk twice.
 * Costs one small field a chunk and one a machine.
 */
const chunksKey = (queue: string, jobId: string) => `vbk:${queue}:${jobId}:chunks`;
const machinesKey = (queue: string, jobId: string) => `vbk:${queue}:${jobId}:machines`;

/**
 * A machine whose heartbeat is older than this has stopped (killed, or its worker ended). Judged
 * by the reader's clock against the writer's: hosts' clocks must agree (NTP), as for leases.
 */
export const HEARTBEAT_STALE_MS = 10_000;

/** What a worker says of itself every second, and of the chunk it runs. */
export interface MachineHeartbeat extends MachineProgress {
  /** The chunk it runs now, with that chunk's rows settled so far (earlier attempts' included). */
  chunk?: { index: number; settled: Record<RecordStatus, number> };
  /** Its clock when it wrote this (ms since the epoch). */
  at: number;
}

export async function recordChunkSettled(redis: Redis, queue: string, jobId: string, chunk: number, counts: Record<RecordStatus, number>): Promise<void> {
  await redis.hset(chunksKey(queue, jobId), String(chunk), `${counts.processed},${counts.failed},${counts.skipped}`);
}

export async function publishHeartbeat(redis: Redis, queue: string, jobId: string, beat: MachineHeartbeat): Promise<void> {
  await redis.hset(machinesKey(queue, jobId), `${beat.host}/${beat.pid}`, JSON.stringify(beat));
}

/** A job's progress summed over its settled chunks and the chunks running now. */
export interface QueueProgress {
  chunksSettled: number;
  counts: Record<RecordStatus, number>;
  /** Machines heard from within HEARTBEAT_STALE_MS. */
  machines: MachineHeartbeat[];
}

export async function readQueueProgress(redis: Redis, queue: string, jobId: string, now = Date.now()): Promise<QueueProgress> {
  const [chunks, beats] = await Promise.all([redis.hgetall(chunksKey(queue, jobId)), redis.hgetall(machinesKey(queue, jobId))]);
  const counts: Record<RecordStatus, number> = { processed: 0, failed: 0, skipped: 0 };
  for (const value of Object.values(chunks)) {
    const [processed, failed, skipped] = value.split(',').map(Number);
    counts.processed += processed;
    counts.failed += failed;
    counts.skipped += skipped;
  }
  const machines = Object.values(beats)
    .map((text) => JSON.parse(text) as MachineHeartbeat)
    .filter((beat) => now - beat.at < HEARTBEAT_STALE_MS);
  for (const beat of machines) {
    // A chunk that committed since the heartbeat is counted above already.
    if (!beat.chunk || chunks[String(beat.chunk.index)] !== undefined) continue;
    for (const status of ['processed', 'failed', 'skipped'] as const) counts[status] += beat.chunk.settled[status];
  }
  return { chunksSettled: Object.keys(chunks).length, counts, machines };
}

/** Drops the job's progress keys: its chunks are to run again (its folder lost them). */
export async function forgetQueueProgress(redis: Redis, queue: string, jobId: string): Promise<void> {
  await redis.del(chunksKey(queue, jobId), machinesKey(queue, jobId));
}
