/**
 * The cost of running a job through the queue instead of on one machine, in the same run: keyframes
 * of the same clips by `process` (2 decoding workers), and by `submit --wait` with one `worker`
 * process of 2 decoding workers and with two of 1 each, on a real redis-server on this machine; then
 * the million-row figures of clusterScale.ts (submit, merge, status, a shard's start).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import * as path from 'node:path';
import { RedisServer } from '../test/queue/redisServer';
import type { ClusterScaleResult } from './clusterScale';
import { runProgram } from './processRunner';
import { succeeded, timedChild } from './timedChild';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
/** Small enough that two machines share a few hundred clips evenly; the default (128) is for large jobs. */
const BENCH_CHUNK_ROWS = 32;
/** Short, as a test of it would have it; a machine that is not killed never waits on it. */
const LOCK_SECONDS = 5;

export interface QueueRun {
  label: string;
  machines: number;
  workersEach: number;
  seconds: number;
  /** (seconds - the local run's) per video, in milliseconds. */
  overheadMsPerVideo: number;
  ratio: number;
}

export interface ClusterResult {
  videos: number;
  localSeconds: number;
  queue: QueueRun[];
  scale?: ClusterScaleResult;
}

async function writeCsv(csvPath: string, clips: readonly string[]): Promise<void> {
  const out = createWriteStream(csvPath);
  out.write('video_id,video_path\n');
  clips.forEach((clip, i) => out.write(`clip-${i},${clip}\n`));
  out.end();
  await once(out, 'finish');
}

const jobFlags = (csvPath: string, out: string) => [csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'keyframes', '--num-frames', '16', '--size', '224', '--device', 'cpu', '--out', out];

/** submit, then the machines (worker processes, each its own VBK_HOST), then submit --wait to follow and merge. */
async function queueRun(server: RedisServer, csvPath: string, work: string, machines: number, workersEach: number): Promise<number> {
  const out = path.join(work, `queue-${machines}x${workersEach}`);
  const queue = `bench-${machines}x${workersEach}`;
  const submitArgs = ['submit', ...jobFlags(csvPath, out), '--redis', server.url, '--queue', queue, '--chunk-rows', String(BENCH_CHUNK_ROWS)];
  const started = performance.now();
  await succeeded(timedChild(process.execPath, [CLI, ...submitArgs]), 'submit');
  const workers = Array.from({ length: machines }, (_, machine) => succeeded(timedChild(process.execPath, [
    CLI, 'worker', '--redis', server.url, '--queue', queue, '--workers', String(workersEach), '--exit-when-idle', '--lock-seconds', String(LOCK_SECONDS),
  ], { env: { ...process.env, VBK_HOST: `bench-machine-${machine}` } }), `worker ${machine}`));
  await succeeded(timedChild(process.execPath, [CLI, ...submitArgs, '--wait']), 'submit --wait');
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers);
  return seconds;
}

export async function runClusterBenchmark(clips: readonly string[], workDir: string, scaleRows: number, log: (line: string) => void): Promise<ClusterResult> {
  const work = path.join(workDir, 'cluster');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const csvPath = path.join(work, 'clips.csv');
  await writeCsv(csvPath, clips);
  const server = await RedisServer.start({ appendfsync: 'everysec' });
  try {
    log(`cluster: ${clips.length} clips on this machine`);
    const local = await succeeded(timedChild(process.execPath, [CLI, 'process', ...jobFlags(csvPath, path.join(work, 'local')), '--workers', '2']), 'process');
    const queue: QueueRun[] = [];
    for (const [machines, workersEach] of [[1, 2], [2, 1]]) {
      log(`cluster: the same clips through the queue, ${machines} worker process(es) of ${workersEach}`);
      const seconds = await queueRun(server, csvPath, work, machines, workersEach);
      queue.push({
        label: `${machines} worker process${machines > 1 ? 'es' : ''} x ${workersEach} decoding`, machines, workersEach, seconds,
        overheadMsPerVideo: ((seconds - local.seconds) * 1000) / clips.length, ratio: seconds / local.seconds,
      });
    }
    let scale: ClusterScaleResult | undefined;
    if (scaleRows > 0) {
      log(`cluster: ${scaleRows} rows: submit, merge, status, a shard's start`);
      scale = JSON.parse(await runProgram(process.execPath, [path.join(__dirname, 'clusterScale.js'), String(scaleRows), work, server.url, clips[0]])) as ClusterScaleResult;
    }
    return { videos: clips.length, localSeconds: local.seconds, queue, scale };
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

export function formatCluster(result: ClusterResult): string {
  const lines = [`Queue against one machine, ${result.videos} short clips, keyframes (16 at 224 px), 2 decoding workers in all`, `  process (one machine): ${result.localSeconds.toFixed(1)} s`];
  for (const run of result.queue) {
    lines.push(`  queue, ${run.label}: ${run.seconds.toFixed(1)} s = ${run.ratio.toFixed(2)}x, ${run.overheadMsPerVideo >= 0 ? '+' : ''}${run.overheadMsPerVideo.toFixed(1)} ms per video (submit, chunks of ${BENCH_CHUNK_ROWS}, merge included)`);
  }
  const scale = result.scale;
  if (scale) {
    const mib = (value: number) => `${value.toFixed(0)} MiB`;
    lines.push(
      `${scale.rows} rows:`,
      `  submit: ${scale.submit.seconds.toFixed(1)} s (peak ${mib(scale.submit.peakTreeRssMiB)}), ${scale.submit.chunks} chunks, ${scale.submit.redisBytesPerChunk.toFixed(0)} bytes of Redis a chunk; again: ${scale.submit.again.seconds.toFixed(1)} s, nothing added`,
      `  merge of ${scale.chunkMerge.parts} queue chunks: ${scale.chunkMerge.seconds.toFixed(1)} s (peak ${mib(scale.chunkMerge.peakTreeRssMiB)}); status: ${scale.chunkMerge.statusSeconds.toFixed(1)} s`,
      `  merge of ${scale.shardMerge.parts} shards: ${scale.shardMerge.seconds.toFixed(1)} s (peak ${mib(scale.shardMerge.peakTreeRssMiB)})`,
      `  a shard's start (${scale.shardStart.rowsInShard} rows of shard 5/256, already done): ${scale.shardStart.untilStartSeconds.toFixed(1)} s to read the CSV and open the checkpoint, ${scale.shardStart.seconds.toFixed(1)} s in all (peak ${mib(scale.shardStart.peakTreeRssMiB)})`,
    );
  }
  return lines.join('\n');
}
