import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { findJobParts } from '../../kernel/src/cluster/jobParts';
import { partCheckpointName, shardFolderName } from '../../kernel/src/cluster/jobLayout';
import { JobUnfinishedError, mergeJob } from '../../kernel/src/cluster/jobMerge';
import { jobStatus } from '../../kernel/src/cluster/jobStatus';
import { chunkFolders, QUEUE_JOB_FORMAT, writeQueueJob } from '../../kernel/src/cluster/queue/queueJob';
import { scanCsv } from '../../kernel/src/csv/csvScan';
import { noFailures } from '../../kernel/src/stats/failureKinds';
import { fixtureRecord, writePart, type PartDataset } from './partFixture';

const VIDEO = '/videos/clip.mp4';

describe('merge: a finished job\'s parts into one set of results', function () {
  let dir: string;
  let dataset: PartDataset;
  const expected = (rows: number) => Array.from({ length: rows }, (_, at) => fixtureRecord(at + 1, VIDEO));
  const shardCheckpoint = (out: string, index: number, count: number) => path.join(out, shardFolderName(index, count), partCheckpointName(dataset.csvPath));

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-merge-'));
    dataset = { csvPath: path.join(dir, 'videos.csv'), csvSha256: '', totalRows: 2000 };
    const lines = ['video_id,video_path', ...Array.from({ length: dataset.totalRows }, (_, at) => `row${at},${VIDEO}`)];
    await writeFile(dataset.csvPath, `${lines.join('\n')}\n`);
    dataset.csvSha256 = (await scanCsv(dataset.csvPath, { videoCol: 'video_path', idCol: 'video_id' })).fingerprint.csvSha256;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('joins shards row by row into every row once, in CSV order, a Parquet file DuckDB reads, the stats and a records view', async function () {
    const out = path.join(dir, 'shards');
    for (let index = 0; index < 4; index++) await writePart(shardCheckpoint(out, index, 4), dataset, { kind: 'shard', index, count: 4 }, VIDEO);
    const merged = await mergeJob(out, await findJobParts(out));
    const records = JSON.parse(readFileSync(path.join(out, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    assert.deepEqual(records, expected(dataset.totalRows));
    const failed = records.filter((record) => record.status === 'failed');
    const stats = JSON.parse(readFileSync(path.join(out, 'processing_stats.json'), 'utf8')) as typeof merged.stats;
    assert.deepEqual(stats, merged.stats);
    assert.deepEqual([stats.total_videos, stats.processed, stats.failed, stats.dataset.pending], [2000, 2000 - failed.length, failed.length, 0]);
    assert.deepEqual(stats.errors.slice(0, 2), failed.slice(0, 2).map(({ id, video_path, error }) => ({ id, video_path, error, kind: 'unreadable' })));
    const byKind = { ...noFailures(), unreadable: failed.length };
    assert.deepEqual([stats.errors_by_kind, stats.dataset.errors_by_kind], [byKind, byKind], 'every failure of the job counted by kind');
    assert.deepEqual(merged.records.page(1000, 3).map((record) => record.id), ['row1000', 'row1001', 'row1002']);
    assert.equal(merged.records.withStatus('failed').length, failed.length);
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    const file = path.join(out, 'processing_results.parquet');
    const [row] = (await connection.runAndReadAll(`SELECT count(*) AS rows, sum(num_frames) AS frames, count(*) FILTER (WHERE status = 'failed') AS failed, min(id) AS first FROM read_parquet('${file}')`)).getRowObjectsJS();
    connection.closeSync();
    duckdb.closeSync();
    const frames = records.reduce((sum, record) => sum + ((record.result as { num_frames?: number } | undefined)?.num_frames ?? 0), 0);
    assert.deepEqual([Number(row.rows), Number(row.frames), Number(row.failed)], [2000, frames, failed.length]);
  });

  it('refuses, naming it with its counts from its journal, while a shard is interrupted, and parts of another job', async function () {
    const out = path.join(dir, 'interrupted');
    for (let index = 0; index < 4; index++) await writePart(shardCheckpoint(out, index, 4), dataset, { kind: 'shard', index, count: 4 }, VIDEO, index === 1 ? 0.5 : 1);
    const parts = await findJobParts(out);
    await assert.rejects(mergeJob(out, parts), (error: unknown) => {
      assert.ok(error instanceof JobUnfinishedError);
      assert.deepEqual(error.unfinished, ['shard-00001-of-00004']);
      assert.match(error.message, /shard-00001-of-00004 \(interrupted, 250\/500\)/);
      return true;
    });
    const status = await jobStatus(out, parts);
    assert.deepEqual(status.parts.map((part) => part.state), ['complete', 'interrupted', 'complete', 'complete']);
    assert.equal(status.dataset.pending, 250);

    const mixed = path.join(dir, 'mixed');
    for (let index = 0; index < 2; index++) {
      await writePart(shardCheckpoint(mixed, index, 2), index === 0 ? dataset : { ...dataset, csvSha256: 'another' }, { kind: 'shard', index, count: 2 }, VIDEO);
    }
    await assert.rejects(async () => mergeJob(mixed, await findJobParts(mixed)), /belongs to another job/);
  });

  it('joins queue chunks in row order, one at a time, a finished chunk not yet renamed included, and names a chunk never started', async function () {
    const out = path.join(dir, 'queue');
    const chunkRows = 300;
    const chunks = Math.ceil(dataset.totalRows / chunkRows);
    await mkdir(path.join(out, 'queue'), { recursive: true });
    await writeQueueJob({
      format: QUEUE_JOB_FORMAT, job_id: 'fixture', csv_path: dataset.csvPath, csv_sha256: dataset.csvSha256, video_col: 'video_path', id_col: 'video_id',
      total_rows: dataset.totalRows, output_dir: out, output_format: 'files', webdataset: {}, task: { name: 'metadata', options: {} }, processing_fingerprint: 'builtin:metadata:{}',
      decoder: {}, timeout_seconds: 600, save_interval: 100, chunk_rows: chunkRows, chunks, created: new Date().toISOString(),
    });
    for (let chunk = 0; chunk < chunks; chunk++) {
      if (chunk === 3) continue;
      const { committed, work } = chunkFolders(out, chunk, chunks);
      await writePart(path.join(work, partCheckpointName(dataset.csvPath)), dataset, { kind: 'range', first: chunk * chunkRows + 1, count: chunkRows }, VIDEO);
      if (chunk !== 5) await rename(work, committed); // chunk 5: its worker was killed between its last row and the rename
    }
    await assert.rejects(async () => mergeJob(out, await findJobParts(out)), (error: unknown) => error instanceof JobUnfinishedError && error.unfinished.join() === 'chunk-000003');
    const { work } = chunkFolders(out, 3, chunks);
    await writePart(path.join(work, partCheckpointName(dataset.csvPath)), dataset, { kind: 'range', first: 3 * chunkRows + 1, count: chunkRows }, VIDEO);
    await mergeJob(out, await findJobParts(out));
    assert.deepEqual(JSON.parse(readFileSync(path.join(out, 'processing_results.json'), 'utf8')), expected(dataset.totalRows));
  });
});
