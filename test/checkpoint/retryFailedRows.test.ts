import { strict as assert } from 'node:assert';
import { copyFile, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BatchVideoProcessor, DecoderConfig, builtins, type ProcessingRecord } from '../../kernel/src/index';
import { lockCheckpoint, CheckpointLockedError } from '../../kernel/src/checkpoint/checkpointLock';
import { readManifest } from '../../kernel/src/checkpoint/checkpointManifest';
import { markFailedRowsPending } from '../../kernel/src/checkpoint/retryFailedRows';
import { deleteCheckpoint } from '../../kernel/src/checkpoint/deleteCheckpoint';
import { checkpointOverview } from '../../kernel/src/cluster/runOverview';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';

const cpu = new DecoderConfig({ device: 'cpu' });

describe('retrying the failed rows of a checkpoint', function () {
  let data: DatasetFixture;
  const processFn = builtins.metadata();
  const run = (checkpointPath: string, outputDir: string) =>
    new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath }).processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn, outputDir });

  before(async () => {
    data = await makeDataset({ goodVideos: 3 });
  });
  after(() => data.cleanup());

  it('makes only the failed rows pending, so the next resume runs exactly those and keeps the rest', async () => {
    const checkpointPath = path.join(data.dir, 'retry.vbk-checkpoint.json');
    const outputDir = path.join(data.dir, 'out-retry');
    const first = await run(checkpointPath, outputDir);
    assert.deepEqual([first.stats.dataset.processed, first.stats.dataset.failed, first.stats.dataset.skipped], [3, 2, 2]);
    const before = new Map([...first.records].map((record) => [`${record.id}:${record.status}`, record.time]));

    assert.equal(await markFailedRowsPending(checkpointPath), 2);
    const overview = await checkpointOverview(checkpointPath);
    assert.equal(overview.state, 'interrupted');
    assert.deepEqual([overview.dataset.processed, overview.dataset.failed, overview.dataset.pending], [3, 0, 2]);
    assert.deepEqual((await readManifest(checkpointPath)).counts, { processed: 3, failed: 0, skipped: 2 });
    assert.equal(await markFailedRowsPending(checkpointPath), 0, 'nothing failed is left to retry');

    // The missing video appears; the broken one stays broken.
    await copyFile(path.join(data.dir, 'videos', 'clip0.mp4'), path.join(data.dir, 'videos', 'missing.mp4'));
    const second = await run(checkpointPath, outputDir);
    assert.equal(second.stats.processed + second.stats.failed, 2, 'the resume ran the two failed rows only');
    assert.deepEqual([second.stats.dataset.processed, second.stats.dataset.failed, second.stats.dataset.pending], [4, 1, 0]);
    const records = JSON.parse(await readFile(path.join(outputDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    const missing = records.find((record) => record.id === 'missing');
    assert.equal(missing?.status, 'processed');
    for (const record of records.filter((record) => record.status === 'processed' && record.id !== 'missing')) {
      assert.equal(before.get(`${record.id}:processed`), record.time, `${record.id} kept its first outcome`);
    }
  });

  it('refuses while a run holds the checkpoint, and so does deleting it', async () => {
    const checkpointPath = path.join(data.dir, 'held.vbk-checkpoint.json');
    await run(checkpointPath, path.join(data.dir, 'out-held'));
    const lock = await lockCheckpoint(`${checkpointPath}.lock`, checkpointPath);
    try {
      await assert.rejects(markFailedRowsPending(checkpointPath), CheckpointLockedError);
      await assert.rejects(deleteCheckpoint(checkpointPath), CheckpointLockedError);
      assert.equal((await checkpointOverview(checkpointPath)).state, 'running');
    } finally {
      await lock.release();
    }
    await deleteCheckpoint(checkpointPath);
    await assert.rejects(readManifest(checkpointPath), /ENOENT/);
  });
});
