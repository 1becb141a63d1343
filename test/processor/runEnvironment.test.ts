import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BatchVideoProcessor, builtins } from '../../kernel/src/index';
import { runEnvironment, setRunEnvironment, type RunEnvironment } from '../../kernel/src/processor/runEnvironment';
import { makeDataset, type DatasetFixture } from './processorFixture';

describe('the run environment a host installs', function () {
  let dataset: DatasetFixture;
  const standalone = runEnvironment();
  before(async () => {
    dataset = await makeDataset({ goodVideos: 2 });
  });
  afterEach(() => setRunEnvironment(standalone));
  after(async () => dataset?.cleanup());

  it('supplies the checkpoint and output places and defaults, and hears of the end only once the checkpoint is free', async () => {
    const checkpointPath = path.join(dataset.dir, 'hosted', 'videos.json');
    const heard: { lockGone: boolean; processed?: number }[] = [];
    const hosted: RunEnvironment = {
      defaults: { numWorkers: 1, device: 'cpu' },
      checkpointPathFor: () => checkpointPath,
      outputDirFor: () => path.join(dataset.dir, 'hosted-out'),
      attach: () => ({
        finished: (outcome) => heard.push({ lockGone: !existsSync(`${checkpointPath}.lock`), ...('results' in outcome ? { processed: outcome.results.stats.processed } : {}) }),
      }),
    };
    setRunEnvironment(hosted);
    const processor = new BatchVideoProcessor();
    assert.deepEqual([processor.numWorkers, processor.config.device], [1, 'cpu']);
    const results = await processor.processDataset({ csvPath: dataset.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.metadata() });
    assert.equal(results.checkpointPath, checkpointPath);
    assert.ok(existsSync(path.join(dataset.dir, 'hosted-out', 'processing_results.json')));
    assert.deepEqual(heard, [{ lockGone: true, processed: 2 }]);
  });
});
