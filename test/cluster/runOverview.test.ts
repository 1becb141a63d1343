import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { checkpointOverview, jobFolderOf, jobOverview } from '../../kernel/src/cluster/runOverview';
import { processingFingerprint } from '../../kernel/src/processor/processingFingerprint';
import { processingLabel } from '../../kernel/src/processor/processingLabel';
import { BatchVideoProcessor, DecoderConfig, builtins } from '../../kernel/src/index';
import { makeDataset } from '../processor/processorFixture';
import { failureKindsText } from '../../kernel/src/stats/failureKinds';

describe('run overview', () => {
  it('tells the checkpoints of cluster jobs from those of one-machine runs', () => {
    assert.equal(jobFolderOf('/out/shard-00003-of-00008/videos.vbk-checkpoint.json'), '/out');
    assert.equal(jobFolderOf('/out/chunks/chunk-000002/videos.vbk-checkpoint.json'), '/out');
    assert.equal(jobFolderOf('/out/chunks/chunk-000002.work/videos.vbk-checkpoint.json'), '/out');
    assert.equal(jobFolderOf('/out/queue/job.json'), '/out');
    assert.equal(jobFolderOf('/data/videos.vbk-checkpoint.json'), undefined);
    assert.equal(jobFolderOf('/nb/analysis.vbk-checkpoint/videos.json'), undefined);
    assert.equal(jobFolderOf('/out/shard-00009-of-00008/videos.vbk-checkpoint.json'), undefined, 'no such shard');
  });

  it('names the processing function as a person reads it', () => {
    assert.equal(processingLabel(processingFingerprint(builtins.keyframes({ numFrames: 8, size: 160 }))), 'keyframes (numFrames: 8, size: 160)');
    assert.equal(processingLabel(processingFingerprint(builtins.metadata(), 'webdataset')), 'metadata, webdataset');
    assert.equal(processingLabel(processingFingerprint(async function countFrames() { return 1; })), 'countFrames()');
    assert.equal(processingLabel('something else'), 'something else');
  });

  it('sums a sharded job over its parts, one started and one not, and reads a finished checkpoint', async function () {
    const data = await makeDataset({ goodVideos: 2 });
    try {
      const outputDir = path.join(data.dir, 'out');
      const run = { csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.metadata(), outputDir };
      await new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 1 }).processDataset({ ...run, shard: { index: 0, count: 2 } });
      const job = await jobOverview(outputDir);
      assert.equal(job.state, 'interrupted');
      assert.equal(job.processing, 'metadata');
      assert.equal(job.csvPath, data.csvPath);
      assert.deepEqual(job.parts?.map((part) => [part.name, part.state, part.rows]), [['shard-00000-of-00002', 'complete', 3], ['shard-00001-of-00002', 'not_started', 3]]);
      assert.equal(job.parts?.[0]?.checkpointPath, path.join(outputDir, 'shard-00000-of-00002', 'videos.vbk-checkpoint.json'));
      assert.deepEqual([job.dataset.total_videos, job.dataset.pending], [6, 3]);
      const shard = await checkpointOverview(job.parts![0]!.checkpointPath!);
      assert.deepEqual([shard.kind, shard.state, shard.resultsDir], ['checkpoint', 'complete', path.join(outputDir, 'shard-00000-of-00002')]);
      // The failures by kind, from the journals of the parts that have any: the broken file, then the missing one too.
      assert.equal(job.failureKinds?.unreadable, 1);
      assert.equal(shard.failureKinds?.unreadable, 1);
      await new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 1 }).processDataset({ ...run, shard: { index: 1, count: 2 } });
      const whole = await jobOverview(outputDir);
      assert.equal(whole.state, 'complete');
      assert.equal(failureKindsText(whole.failureKinds!), 'missing file 1, unreadable or corrupt 1');
      assert.equal((await checkpointOverview(whole.parts![1]!.checkpointPath!)).failureKinds?.missing_file, 1);
    } finally {
      await data.cleanup();
    }
  });
});
