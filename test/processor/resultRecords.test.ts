import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ResultRecordsGoneError } from '../../kernel/src/checkpoint/resultRecords';
import { BatchVideoProcessor, DecoderConfig, builtins, type ProcessingRecord } from '../../kernel/src/index';
import { makeDataset, type DatasetFixture } from './processorFixture';

const cpu = new DecoderConfig({ device: 'cpu' });

/** The memory still reachable, the JavaScript heap and the typed arrays' buffers: collects garbage first. */
function retainedHeap(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe('results.records, read from the checkpoint', function () {
  this.timeout(180_000);
  let data: DatasetFixture;

  before(async () => {
    data = await makeDataset({ goodVideos: 4 });
  });
  after(() => data.cleanup());

  it('iterates, pages and filters exactly as processing_results.json holds the run', async () => {
    const outputDir = path.join(data.dir, 'out-lazy');
    const results = await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath: path.join(data.dir, 'lazy.ckpt.json') })
      .processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 3 }), outputDir });
    const written = JSON.parse(await readFile(path.join(outputDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    assert.equal(written.length, 8);
    assert.deepEqual([...results.records], written, 'sync iteration in CSV order');
    const viaAsync: ProcessingRecord[] = [];
    for await (const record of results.records) viaAsync.push(record);
    assert.deepEqual(viaAsync, written, 'async iteration in CSV order');
    assert.deepEqual(results.records.toArray(), written);
    assert.equal(results.records.length, 8);
    assert.deepEqual(results.records.page(0, 3), written.slice(0, 3));
    assert.deepEqual(results.records.page(3, 100), written.slice(3));
    assert.deepEqual(results.records.page(8, 5), []);
    assert.deepEqual(results.records.page(2, 0), []);
    assert.throws(() => results.records.page(-1, 2), RangeError);
    for (const status of ['processed', 'failed', 'skipped'] as const) {
      const view = results.records.withStatus(status);
      const expected = written.filter((record) => record.status === status);
      assert.equal(view.length, expected.length, status);
      assert.deepEqual(view.toArray(), expected, status);
      assert.deepEqual(view.page(1, 2), expected.slice(1, 3), `${status}, a page`);
    }
  });

  it('says so, rather than answer from another file, once a later run replaced the journal', async () => {
    const checkpointPath = path.join(data.dir, 'replaced.ckpt.json');
    const run = (fresh: boolean) =>
      new BatchVideoProcessor({ config: cpu, numWorkers: 1, checkpointPath })
        .processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.metadata(), fresh });
    const first = await run(false);
    assert.equal(first.records.page(0, 1).length, 1);
    await run(true);
    assert.throws(() => first.records.toArray(), ResultRecordsGoneError);
  });

  it('runs 200k rows of a function that opens no video with a heap bounded apart from the rows, and no worker', async () => {
    const rows = 200_000;
    const videos = data.goodIds.map((id) => `videos/${id}.mp4`);
    const lines = ['video_id,video_path', ...Array.from({ length: rows }, (_, i) => `row-${i},${videos[i % videos.length]}`)];
    const csvPath = path.join(data.dir, 'large.csv');
    await writeFile(csvPath, `${lines.join('\n')}\n`);
    lines.length = 0;
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath: path.join(data.dir, 'large.ckpt.json') });
    let workersSeen = 0;
    let peakHeap = 0;
    processor.on('device', () => workersSeen++);
    processor.on('videoFinished', ({ record }) => {
      if (Number(record.id.slice(4)) % 40_000 === 0) peakHeap = Math.max(peakHeap, retainedHeap());
    });
    const heapBefore = retainedHeap();
    const results = await processor.processDataset({ csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: (loader) => ({ id: loader.videoId }) });
    peakHeap = Math.max(peakHeap, retainedHeap());
    assert.equal(results.stats.processed, rows);
    assert.equal(workersSeen, 0, 'no worker pool was started');
    assert.deepEqual(results.records.page(123_456, 1)[0]?.result, { id: 'row-123456' });
    // Per row the run keeps its index (13 bytes: 2.5 MiB here) and, while the CSV is read first, its
    // id hashes (8-16 bytes, 6 MiB while they double): measured 5.7 MiB. A Set of the ids would add
    // 10 MiB, the records held in memory 57 MiB (about 300 bytes each).
    const grownMb = (peakHeap - heapBefore) / 2 ** 20;
    assert.ok(grownMb < 12, `the heap grew by ${grownMb.toFixed(1)} MiB over a 200k-row run`);
  });
});
