/**
 * A million-row job split for many machines, without decoding a million videos: the parts'
 * checkpoints are written through the engine's own Checkpoint (metadata-shaped records, one in
 * seven failed), as a run would leave them, then timed: `submit` (the CSV read, the rows file, the chunks queued, Redis's
 * memory), `merge` of 7,813 queue chunks and of 256 shards (time, peak memory), `status`, and one
 * shard's start (`process --shard 5/256` over a finished shard: the CSV pass and the fingerprint
 * every shard pays).
 * Usage: node out/bench/clusterScale.js ROWS WORK_DIR REDIS_URL VIDEO  -> one JSON line (ClusterScaleResult).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { scanCsv } from '../kernel/src/csv/csvScan';
import type { RowSelection } from '../kernel/src/csv/rowSelection';
import { SelectedRows } from '../kernel/src/csv/rowSelection';
import { partCheckpointName, shardFolderName } from '../kernel/src/cluster/jobLayout';
import { chunkFolders, readQueueJob } from '../kernel/src/cluster/queue/queueJob';
import { writePart, type PartDataset } from '../test/cluster/partFixture';
import { succeeded, timedChild, type TimedRun } from './timedChild';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const SHARDS = 256;

export interface ClusterScaleResult {
  rows: number;
  submit: { seconds: number; peakTreeRssMiB: number; chunks: number; redisBytesPerChunk: number; again: { seconds: number } };
  chunkMerge: { parts: number; seconds: number; peakTreeRssMiB: number; statusSeconds: number };
  shardMerge: { parts: number; seconds: number; peakTreeRssMiB: number };
  shardStart: { rowsInShard: number; seconds: number; untilStartSeconds: number; peakTreeRssMiB: number };
}

async function writeCsv(csvPath: string, rows: number, video: string): Promise<void> {
  const out = createWriteStream(csvPath);
  out.write('video_id,video_path\n');
  for (let i = 0; i < rows; i++) if (!out.write(`row${i},${video}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

async function submitAndParts(work: string, redisUrl: string, dataset: PartDataset, video: string): Promise<Pick<ClusterScaleResult, 'submit' | 'chunkMerge'>> {
  const out = path.join(work, 'queue-job');
  const redis = new Redis(redisUrl);
  const before = await usedMemory(redis);
  const args = ['submit', dataset.csvPath, '--redis', redisUrl, '--queue', 'scale', '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'metadata', '--out', out];
  const submit = await succeeded(timedChild(process.execPath, [CLI, ...args]), 'submit');
  const after = await usedMemory(redis);
  const again = await succeeded(timedChild(process.execPath, [CLI, ...args]), 'submit again');
  await redis.quit();
  const spec = (await readQueueJob(out))!;
  for (let chunk = 0; chunk < spec.chunks; chunk++) {
    const { committed, work: workFolder } = chunkFolders(out, chunk, spec.chunks);
    const selection: RowSelection = { kind: 'range', first: chunk * spec.chunk_rows + 1, count: spec.chunk_rows };
    await writePart(path.join(workFolder, partCheckpointName(dataset.csvPath)), dataset, selection, video);
    await rename(workFolder, committed);
  }
  const status = await succeeded(timedChild(process.execPath, [CLI, 'status', out]), 'status');
  const merge = await succeeded(timedChild(process.execPath, [CLI, 'merge', out]), 'merge of the chunks');
  return {
    submit: { seconds: submit.seconds, peakTreeRssMiB: submit.peakTreeRssMiB, chunks: spec.chunks, redisBytesPerChunk: (after - before) / spec.chunks, again: { seconds: again.seconds } },
    chunkMerge: { parts: spec.chunks, seconds: merge.seconds, peakTreeRssMiB: merge.peakTreeRssMiB, statusSeconds: status.seconds },
  };
}

async function shardsAndStart(work: string, dataset: PartDataset, video: string): Promise<Pick<ClusterScaleResult, 'shardMerge' | 'shardStart'>> {
  const out = path.join(work, 'shard-job');
  await mkdir(out, { recursive: true });
  for (let index = 0; index < SHARDS; index++) {
    const checkpointPath = path.join(out, shardFolderName(index, SHARDS), partCheckpointName(dataset.csvPath));
    await writePart(checkpointPath, dataset, { kind: 'shard', index, count: SHARDS }, video);
  }
  const merge = await succeeded(timedChild(process.execPath, [CLI, 'merge', out]), 'merge of the shards');
  const args = ['process', dataset.csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'metadata', '--shard', `5/${SHARDS}`, '--out', out, '--workers', '1', '--device', 'cpu'];
  const start: TimedRun = await succeeded(timedChild(process.execPath, [CLI, ...args], { mark: /videos, resuming/ }), 'the shard resumed');
  return {
    shardMerge: { parts: SHARDS, seconds: merge.seconds, peakTreeRssMiB: merge.peakTreeRssMiB },
    shardStart: { rowsInShard: new SelectedRows({ kind: 'shard', index: 5, count: SHARDS }, dataset.totalRows).size, seconds: start.seconds, untilStartSeconds: start.markSeconds ?? Number.NaN, peakTreeRssMiB: start.peakTreeRssMiB },
  };
}

async function main(): Promise<void> {
  const [rowsText, workDir, redisUrl, video] = process.argv.slice(2);
  const rows = Number(rowsText);
  const work = path.join(workDir, `cluster-${rows}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const csvPath = path.join(work, 'videos.csv');
  await writeCsv(csvPath, rows, video);
  const { fingerprint } = await scanCsv(csvPath, { videoCol: 'video_path', idCol: 'video_id' });
  const dataset: PartDataset = { csvPath, csvSha256: fingerprint.csvSha256, totalRows: rows };
  const queued = await submitAndParts(work, redisUrl, dataset, video);
  const sharded = await shardsAndStart(work, dataset, video);
  const result: ClusterScaleResult = { rows, ...queued, ...sharded };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await rm(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
