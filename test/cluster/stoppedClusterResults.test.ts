import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { stoppedResults } from '../../kernel/src/cluster/queue/clusterRun';
import { BatchVideoProcessor, DecoderConfig, builtins } from '../../kernel/src/index';
import type { ProgressSnapshot } from '../../kernel/src/processor/progressEvents';
import { datasetStats } from '../../kernel/src/stats/processingStats';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';

describe('a cluster job stopped watching before its merge', function () {
  let data: DatasetFixture;
  before(async () => {
    data = await makeDataset({ goodVideos: 2 });
  });
  after(() => data?.cleanup());

  it('counts the failures its machines settled by kind, from their parts in the shared folder, listing none', async () => {
    const outputDir = path.join(data.dir, 'out');
    const run = { csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.metadata(), outputDir };
    const processor = new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 1 });
    // Rows 1..6 in two shards: shard 0 holds the broken file (row 3), shard 1 the missing one (row 4).
    for (const index of [0, 1]) await processor.processDataset({ ...run, shard: { index, count: 2 } });
    const settled = { processed: 2, failed: 2, skipped: 2 };
    const snapshot: ProgressSnapshot = {
      total: 6, done: 6, ...settled, elapsedSeconds: 3, videosPerSecond: 2, etaSeconds: 0, framesPerSecond: { cpu: 0, gpu: 0 }, workers: [], dataset: datasetStats(6, settled),
    };
    const results = await stoppedResults(snapshot, path.join(outputDir, 'queue', 'job.json'), outputDir);
    assert.equal(results.interrupted, true);
    assert.equal(results.stats.failed, 2);
    assert.deepEqual(results.stats.errors, [], 'the merge lists the failures');
    assert.equal(results.stats.errors_not_listed, 2);
    assert.deepEqual([results.stats.errors_by_kind.unreadable, results.stats.errors_by_kind.missing_file], [1, 1]);
    assert.deepEqual(results.stats.dataset.errors_by_kind, results.stats.errors_by_kind);
  });
});
