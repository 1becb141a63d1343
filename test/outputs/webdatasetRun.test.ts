import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BatchVideoProcessor, DecoderConfig, builtins, type ProcessingRecord } from '../../kernel/src/index';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { readShardsWithPython } from './tarReadBack';

const cpu = new DecoderConfig({ device: 'cpu' });

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort();
}

/** What Python reads from every `*.tar` under the output folder, checked against the run's results file. */
async function checkShards(outputDir: string, numFrames: number): Promise<Map<string, string>> {
  const files = filesUnder(outputDir);
  assert.deepEqual(files.filter((file) => file.endsWith('.jpg') || file.endsWith('.partial')), [], 'no loose JPEG and no partial shard');
  const shards = files.filter((file) => file.endsWith('.tar')).map((file) => path.join(outputDir, file));
  const records = JSON.parse(readFileSync(path.join(outputDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
  const processed = records.filter((record) => record.status === 'processed');
  const shardOf = new Map<string, string>();
  for (const shard of await readShardsWithPython(shards)) {
    for (const sample of shard.samples) {
      const [json, ...frames] = sample.files;
      assert.equal(json.extension, 'json', `${sample.key}: the record first`);
      const record = JSON.parse(json.text!) as ProcessingRecord & { result: { key: string } };
      assert.ok(!shardOf.has(record.id), `${record.id} is in ${shardOf.get(record.id)} and in ${shard.path}`);
      shardOf.set(record.id, path.relative(outputDir, shard.path));
      assert.equal(sample.key, record.result.key);
      assert.deepEqual(frames.map((frame) => frame.extension), Array.from({ length: numFrames }, (_, i) => `${String(i).padStart(4, '0')}.jpg`));
      assert.ok(frames.every((frame) => frame.size > 100), 'frames hold JPEG data');
    }
  }
  assert.deepEqual([...shardOf.keys()].sort(), processed.map((record) => record.id).sort(), 'every processed video in exactly one shard');
  for (const record of processed) assert.equal((record.result as { shard: string }).shard, shardOf.get(record.id), `${record.id}: the results name its shard`);
  return shardOf;
}

describe('a run into WebDataset shards', function () {
  this.timeout(120_000);
  let data: DatasetFixture;

  before(async () => {
    data = await makeDataset({ goodVideos: 5 });
  });
  after(() => data.cleanup());

  const options = (outputDir: string) => ({
    csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 3, size: 64 }),
    outputDir, outputFormat: 'webdataset' as const, webdataset: { maxShardSamples: 2 },
  });

  it('puts every processed video in exactly one complete shard, frames in order, and no loose file', async () => {
    const outputDir = path.join(data.dir, 'out-wds');
    const results = await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath: path.join(data.dir, 'wds.ckpt.json') }).processDataset(options(outputDir));
    assert.equal(results.stats.processed, 5);
    const shardOf = await checkShards(outputDir, 3);
    assert.deepEqual(new Set(shardOf.values()), new Set(['shards/shard-000000.tar', 'shards/shard-000001.tar', 'shards/shard-000002.tar']), 'rolled every 2 samples');
  });

  it('after an interrupt and a resume, still every video once, the open shard continued', async () => {
    const outputDir = path.join(data.dir, 'out-wds-resume');
    const checkpointPath = path.join(data.dir, 'wds-resume.ckpt.json');
    const abort = new AbortController();
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 1, checkpointPath });
    processor.on('videoFinished', ({ record }) => record.status === 'processed' && abort.abort());
    const first = await processor.processDataset({ ...options(outputDir), signal: abort.signal });
    assert.equal(first.interrupted, true);
    assert.ok(filesUnder(outputDir).some((file) => file.endsWith('.tar.partial')), 'the interrupted run left its shard open');
    const second = await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath }).processDataset(options(outputDir));
    assert.equal(second.stats.dataset.processed, 5);
    await checkShards(outputDir, 3);
  });

  it('starting fresh sets the earlier job\'s shards aside, so no key is in the dataset twice', async () => {
    const outputDir = path.join(data.dir, 'out-wds-fresh');
    const checkpointPath = path.join(data.dir, 'wds-fresh.ckpt.json');
    await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath }).processDataset(options(outputDir));
    await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath }).processDataset({ ...options(outputDir), fresh: true });
    await checkShards(outputDir, 3);
    assert.equal(filesUnder(outputDir).filter((file) => /\.tar\.replaced-/.test(file)).length, 3, 'the first job\'s three shards kept aside');
  });

  it('refuses a shard run without an output folder, and a resume in the other format', async () => {
    const checkpointPath = path.join(data.dir, 'wds-refuse.ckpt.json');
    const processor = () => new BatchVideoProcessor({ config: cpu, numWorkers: 1, checkpointPath });
    await assert.rejects(processor().processDataset({ ...options(path.join(data.dir, 'x')), outputDir: undefined }), /give outputDir/);
    await processor().processDataset({ ...options(path.join(data.dir, 'out-wds-refuse')), outputFormat: 'files' });
    await assert.rejects(processor().processDataset(options(path.join(data.dir, 'out-wds-refuse'))), /processing function/i);
  });
});
