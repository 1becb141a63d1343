/** What the queue measurements share: connections to the test redis-server, its memory, job payloads. */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisServer } from '../../test/queue/redisServer';

/** Job data of this size, in JSON: a video row as the queue would carry it (id, path, a few settings). */
export const JOB_DATA_BYTES = 200;

export interface VideoJobData {
  dataset: string;
  row: number;
  videoId: string;
  path: string;
  fn: string;
  numFrames: number;
  size: number;
}

/** Options for BullMQ's own connections: null retries, or a worker's blocking call would give up during an outage. */
export function bullConnection(server: RedisServer): RedisOptions {
  return { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
}

/** A plain client for INFO and counts; it gives up at once rather than waiting out an outage. */
export function adminClient(server: RedisServer): Redis {
  return new Redis(server.url, { maxRetriesPerRequest: 1 });
}

/** INFO memory's used_memory: what the allocator holds for data and overhead, in bytes. */
export async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error(`no used_memory in INFO memory:\n${info}`);
  return Number(match[1]);
}

/** `MEMORY USAGE key`, 0 when the key is not there. */
export async function keyMemory(client: Redis, key: string): Promise<number> {
  const bytes = (await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
  return bytes ?? 0;
}

/** A deterministic job id: the dataset and the row, never an integer (BullMQ refuses those) and without ':'. */
export const jobIdOf = (dataset: string, row: number): string => `${dataset}-r${row}`;

export function videoJobData(dataset: string, row: number): VideoJobData {
  const videoId = `video-${String(row).padStart(7, '0')}`;
  const data: VideoJobData = { dataset, row, videoId, path: '', fn: 'keyframes', numFrames: 16, size: 224 };
  const stem = `/data/datasets/kinetics/train/${videoId}`;
  const fill = JOB_DATA_BYTES - JSON.stringify({ ...data, path: `${stem}.mp4` }).length;
  data.path = `${stem}${'_'.repeat(Math.max(0, fill))}.mp4`;
  return data;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const ms = (start: number) => Math.round(performance.now() - start);
