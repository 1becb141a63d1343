import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BatchVideoProcessor, CheckpointLeaseLostError, DecoderConfig, InputError, builtins, extractKeyframes, type ProcessingRecord, type VideoLoader } from '../../kernel/src/index';
import { noFailures } from '../../kernel/src/stats/failureKinds';
import { readFrameStamp } from '../../samples/frameStamp';
import { makeDataset, type DatasetFixture } from './processorFixture';

const cpu = new DecoderConfig({ device: 'cpu' });

/** The records of the rows that were run (a duplicate id's skipped row would shadow its first row). */
function byId(records: Iterable<ProcessingRecord>): Map<string, ProcessingRecord> {
  return new Map([...records].filter((record) => record.status !== 'skipped').map((record) => [record.id, record]));
}

describe('BatchVideoProcessor', function () {
  let data: DatasetFixture;

  before(async () => {
    data = await makeDataset({ goodVideos: 4 });
  });
  after(() => data.cleanup());

  it('runs a built-in in the workers and writes results, stats and JPEGs', async () => {
    const outputDir = path.join(data.dir, 'out-builtin');
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath: path.join(data.dir, 'builtin.ckpt.json') });
    const results = await processor.processDataset({
      csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id',
      processFn: builtins.keyframes({ numFrames: 4, size: 64 }), outputDir,
    });
    assert.equal(results.stats.total_videos, 8);
    assert.equal(results.stats.processed, 4);
    assert.equal(results.stats.failed, 2);
    assert.equal(results.stats.skipped, 2);
    assert.deepEqual(results.stats.errors.map(({ id, kind }) => [id, kind]).sort(), [['broken', 'unreadable'], ['missing', 'missing_file']]);
    assert.deepEqual(results.stats.errors_by_kind, { ...noFailures(), missing_file: 1, unreadable: 1 });
    const written = JSON.parse(await readFile(path.join(outputDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    assert.equal(written.length, 8, 'one record per CSV row');
    const broken = written.find((record) => record.id === 'broken');
    assert.equal(broken?.status, 'failed');
    assert.match(broken?.error ?? '', /broken\.mp4/);
    assert.match(written.find((record) => record.id === 'missing')?.error ?? '', /not found/);
    const clip = written.find((record) => record.id === 'clip1' && record.status === 'processed');
    const frames = (clip?.result as { frames: { index: number; path: string }[] }).frames;
    assert.deepEqual(frames.map((frame) => frame.index), [0, 9, 19, 29]);
    for (const frame of frames) assert.ok(existsSync(frame.path), frame.path);
    const stats = JSON.parse(await readFile(path.join(outputDir, 'processing_stats.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(stats, results.stats);
  });

  it("runs a cell's own function here, with frames decoded in a worker", async () => {
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath: path.join(data.dir, 'remote.ckpt.json') });
    const results = await processor.processDataset({
      csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id',
      processFn: async (loader: VideoLoader) => {
        const frames = await loader.sampleUniform(3, { size: 120 });
        return { stamps: frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), pid: process.pid };
      },
    });
    assert.equal(results.stats.processed, 4);
    for (const id of data.goodIds) {
      const record = byId(results.records).get(id);
      assert.deepEqual(record?.result, { stamps: [0, 14, 29], pid: process.pid });
    }
  });

  it('resumes: a second run skips what is done and keeps the earlier results', async () => {
    const checkpointPath = path.join(data.dir, 'resume.ckpt.json');
    const processFn = builtins.metadata();
    const first = await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath })
      .processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn });
    const second = await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath })
      .processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn });
    assert.equal(second.stats.processed, 0);
    assert.equal(second.stats.failed, 0);
    assert.equal(second.stats.skipped, 8);
    const wholeDataset = { total_videos: 8, processed: 4, failed: 2, skipped: 2, pending: 0, success_rate: 0.5, errors_by_kind: { ...noFailures(), missing_file: 1, unreadable: 1 } };
    assert.deepEqual(first.stats.dataset, wholeDataset);
    assert.deepEqual(second.stats.dataset, wholeDataset, 'a resumed finished job still describes the whole dataset');
    assert.deepEqual(second.records.toArray(), first.records.toArray());
    const retried = await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath })
      .processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn, retryFailed: true });
    assert.equal(retried.stats.failed, 2, 'the two failed videos were run again');
    assert.equal(retried.records.length, first.records.length);
    assert.deepEqual(retried.stats.dataset, wholeDataset, 'retried failures count once, with their latest outcome');
  });

  it('refuses to resume a checkpoint of another processing function', async () => {
    const checkpointPath = path.join(data.dir, 'fingerprint.ckpt.json');
    const run = (processFn: ReturnType<typeof builtins.keyframes>) =>
      new BatchVideoProcessor({ config: cpu, numWorkers: 1, checkpointPath })
        .processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn });
    await run(builtins.keyframes({ numFrames: 2 }));
    await assert.rejects(run(builtins.keyframes({ numFrames: 3 })), (error: Error) => error instanceof InputError && /processing function/i.test(error.message));
  });

  it('refuses a second live run on the same checkpoint', async () => {
    const checkpointPath = path.join(data.dir, 'lock.ckpt.json');
    const run = () =>
      new BatchVideoProcessor({ config: cpu, numWorkers: 1, checkpointPath })
        .processDataset({ csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 2 }) });
    const outcomes = await Promise.allSettled([run(), run()]);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    assert.match(String(refused.reason), /lock|in use|another/i);
  });

  it('stops with CheckpointLeaseLostError, not as interrupted, once another run took its checkpoint over', async () => {
    const checkpointPath = path.join(data.dir, 'lease.ckpt.json');
    const outputDir = path.join(data.dir, 'out-lease');
    // One video: no other row's outcome reaches the checkpoint after the take-over, so the run ends only through its lost lease.
    const csvPath = path.join(data.dir, 'one.csv');
    await writeFile(csvPath, `video_id,video_path\n${data.goodIds[0]},videos/${data.goodIds[0]}.mp4\n`);
    const now = new Date().toISOString();
    const theirs = JSON.stringify({ pid: 4242, host: 'host-a', since: now, renewed: now, lease_seconds: 60 });
    let tookOverAt = 0;
    const processFn = async (loader: VideoLoader) => {
      await loader.getMetadata(); // the video is open on a worker now
      // Another machine's run takes the checkpoint over while this video is worked on.
      await writeFile(`${checkpointPath}.theirs`, theirs);
      await rename(`${checkpointPath}.theirs`, `${checkpointPath}.lock`);
      tookOverAt = Date.now();
      // Decodes until the run stops this video, as it should once its next renewal finds the lock taken.
      for (const deadline = tookOverAt + 10_000; Date.now() < deadline; ) await loader.sampleUniform(1, { size: 32 });
      return { ok: true };
    };
    const savedLease = process.env.VBK_LEASE_SECONDS;
    process.env.VBK_LEASE_SECONDS = '0.2';
    try {
      await assert.rejects(
        new BatchVideoProcessor({ config: cpu, numWorkers: 1, checkpointPath }).processDataset({ csvPath, videoCol: 'video_path', idCol: 'video_id', processFn, outputDir }),
        (error: Error) => error instanceof CheckpointLeaseLostError && !(error instanceof InputError) && error.message.includes('process 4242 on host-a'),
      );
    } finally {
      if (savedLease === undefined) delete process.env.VBK_LEASE_SECONDS;
      else process.env.VBK_LEASE_SECONDS = savedLease;
    }
    assert.ok(Date.now() - tookOverAt < 5000, `the run stopped ${Date.now() - tookOverAt} ms after the take-over`);
    assert.equal(await readFile(`${checkpointPath}.lock`, 'utf8'), theirs, 'the other run keeps its lock');
    assert.equal(existsSync(path.join(outputDir, 'processing_results.json')), false, 'the results are left to the other run');
  });

  it('cancels through an AbortSignal, and the resume finishes every video exactly once', async () => {
    const checkpointPath = path.join(data.dir, 'cancel.ckpt.json');
    const outputDir = path.join(data.dir, 'out-cancel');
    const abort = new AbortController();
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 1, checkpointPath });
    processor.once('videoFinished', () => abort.abort());
    const options = { csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 4 }), outputDir };
    const first = await processor.processDataset({ ...options, signal: abort.signal });
    assert.equal(first.interrupted, true);
    assert.ok(first.stats.processed + first.stats.failed < 6, 'stopped early');
    const settledFirst = first.records.length;
    const { dataset } = first.stats;
    assert.deepEqual([dataset.total_videos, dataset.processed + dataset.failed + dataset.skipped, dataset.pending], [8, settledFirst, 8 - settledFirst]);
    const statsFile = JSON.parse(await readFile(path.join(outputDir, 'processing_stats.json'), 'utf8')) as typeof first.stats;
    assert.deepEqual(statsFile.dataset, dataset, 'processing_stats.json holds the dataset after the interrupted run');
    const second = await new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath }).processDataset(options);
    assert.equal(second.interrupted, false);
    assert.deepEqual(second.stats.dataset, { total_videos: 8, processed: 4, failed: 2, skipped: 2, pending: 0, success_rate: 0.5, errors_by_kind: { ...noFailures(), missing_file: 1, unreadable: 1 } });
    assert.equal(second.stats.processed + second.stats.failed, 6 - (dataset.processed + dataset.failed), 'the resume ran only the rest');
    const written = JSON.parse(await readFile(path.join(outputDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    assert.equal(written.length, 8);
    assert.deepEqual(written.filter((record) => record.status === 'processed').map((record) => record.id).sort(), [...data.goodIds].sort());
  });

  it('fails a video that runs past the timeout and kills its worker', async () => {
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 2, timeoutSeconds: 0.001, checkpointPath: path.join(data.dir, 'timeout.ckpt.json') });
    const results = await processor.processDataset({
      csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 30 }),
    });
    assert.equal(results.stats.processed, 0);
    for (const id of data.goodIds) {
      assert.match(byId(results.records).get(id)?.error ?? '', /timed out after 0\.001 s/);
    }
  });

  it('replaces a worker killed mid-video and completes the run', async () => {
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 2, checkpointPath: path.join(data.dir, 'crash.ckpt.json') });
    let killed = false;
    const results = await processor.processDataset({
      csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id',
      processFn: async (loader: VideoLoader) => {
        await loader.getMetadata();
        const worker = processor.workerActivity().find((activity) => activity.videoId === loader.videoId);
        if (!killed && worker?.pid) {
          killed = true;
          process.kill(worker.pid, 'SIGKILL');
        }
        return extractKeyframes(loader, { numFrames: 2 });
      },
    });
    assert.ok(killed);
    assert.equal(results.stats.processed, 3);
    const crashed = results.records.toArray().filter((record) => /SIGKILL|worker/.test(record.error ?? ''));
    assert.equal(crashed.length, 1);
  });

  it('recycles a worker whose memory grows past the bound', async () => {
    const processor = new BatchVideoProcessor({ config: cpu, numWorkers: 1, maxWorkerMemoryMb: 1, checkpointPath: path.join(data.dir, 'memory.ckpt.json') });
    const logs: string[] = [];
    processor.on('log', (line) => logs.push(line));
    const results = await processor.processDataset({
      csvPath: data.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 2 }),
    });
    assert.equal(results.stats.processed, 4);
    assert.ok(logs.filter((line) => /replacing it before its next video/.test(line)).length >= 4, logs.join('\n'));
  });
});
