import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { KEYFRAMES_MIME, PROGRESS_MIME, type KeyframesOutput, type ProgressOutput } from '../../kernel/src/display/notebookOutputs';
import type { CellOutput, JobReport } from '../../kernel/src/notebookKernel/kernelProtocol';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { runCell, startKernel, type KernelFixture } from './kernelFixture';

/** The progress states a cell showed, in order, from its display and its updates. */
function progressUpdates(outputs: readonly CellOutput[]): ProgressOutput[] {
  return outputs.flatMap((output) =>
    (output.kind === 'display' || output.kind === 'updateDisplay') && output.data[PROGRESS_MIME] ? [output.data[PROGRESS_MIME] as ProgressOutput] : []);
}

/** A cell that processes the dataset; `processFn` is a built-in (runs in the workers) unless given. */
function processingCell(csvPath: string, processFn = 'builtins.keyframes({ numFrames: 4, size: 64 })'): string {
  return [
    'import { BatchVideoProcessor, builtins, extractKeyframes } from "video-batch-kernel";',
    'const processor = new BatchVideoProcessor({ numWorkers: 1 });',
    `const results = await processor.processDataset({ csvPath: ${JSON.stringify(csvPath)}, videoCol: "video_path", idCol: "video_id", processFn: ${processFn} });`,
    'console.log(JSON.stringify(results.stats));',
  ].join('\n');
}

/** A processing function of the cell's own, slow enough that an interrupt lands mid-run. */
const SLOW_KEYFRAMES = 'async (loader) => { await new Promise((r) => setTimeout(r, 250)); return extractKeyframes(loader, { numFrames: 4, size: 64 }); }';

describe('notebook kernel: processing runs in cells', function () {
  let dataset: DatasetFixture;
  let fixture: KernelFixture;
  before(async () => {
    dataset = await makeDataset({ goodVideos: 6, frameCount: 40 });
  });
  beforeEach(async () => {
    fixture = await startKernel();
  });
  afterEach(async () => fixture?.cleanup());
  after(async () => dataset?.cleanup());

  it('shows live progress ending in one final state, then a keyframe grid of real thumbnails', async () => {
    const jobs: JobReport[] = [];
    fixture.kernel.on('job', (job) => jobs.push(job));
    const run = await runCell(fixture.kernel, processingCell(dataset.csvPath));
    assert.equal(run.status, 'ok', JSON.stringify(run.outputs.filter((o) => o.kind === 'error')));

    const displays = run.outputs.filter((output) => output.kind === 'display');
    const progressDisplay = displays.find((output) => output.kind === 'display' && output.data[PROGRESS_MIME]);
    assert.ok(progressDisplay?.kind === 'display' && progressDisplay.displayId, 'the progress display is updatable');
    const updates = progressUpdates(run.outputs);
    assert.ok(updates.length >= 2, `progress updated ${updates.length} times`);
    assert.ok(run.outputs.every((output) => output.kind !== 'updateDisplay' || output.displayId === progressDisplay.displayId));
    const final = updates.at(-1)!;
    assert.equal(updates.filter((update) => update.state !== 'running').length, 1, 'one final state');
    assert.equal(final.state, 'done');
    assert.deepEqual([final.processed, final.failed, final.skipped, final.total], [6, 2, 2, 10]);
    assert.ok(updates.slice(0, -1).every((update) => update.state === 'running'));

    const grid = displays.find((output) => output.kind === 'display' && output.data[KEYFRAMES_MIME]);
    assert.ok(grid?.kind === 'display' && grid.displayId, 'a paged keyframe grid follows the run');
    const keyframes = grid.data[KEYFRAMES_MIME] as KeyframesOutput;
    assert.equal(keyframes.totalVideos, 6);
    assert.deepEqual(keyframes.videos.map((video) => video.id), dataset.goodIds);
    for (const frame of keyframes.videos.flatMap((video) => video.frames)) {
      const jpeg = Buffer.from(frame.src!.replace(/^data:image\/jpeg;base64,/, ''), 'base64');
      assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG thumbnail');
    }
    const page = await fixture.kernel.keyframesPage(grid.displayId, 4, 10);
    assert.deepEqual(page?.videos.map((video) => video.id), dataset.goodIds.slice(4));
    const failed = await fixture.kernel.keyframesPage(grid.displayId, 0, 10, { status: 'failed', search: 'MISS' });
    assert.deepEqual([failed?.totalVideos, failed?.videos.map(({ id, kind }) => [id, kind]), failed?.query], [1, [['missing', 'missing_file']], { status: 'failed', search: 'MISS' }], 'the grid filters the run where its records are');
    const everyRow = await fixture.kernel.keyframesPage(grid.displayId, 0, 20, { status: 'all', search: '' });
    assert.equal(everyRow?.totalVideos, 10, 'the grid holds every row of the run, not only its processed ones');

    // The checkpoint is beside the notebook, named after it; results went beside it too.
    const checkpointPath = path.join(fixture.notebookDir, 'analysis.vbk-checkpoint', 'videos.json');
    assert.ok(existsSync(checkpointPath), 'checkpoint beside the notebook');
    const manifest = JSON.parse(await readFile(checkpointPath, 'utf8')) as { dataset: { csv_path: string; total_rows: number }; counts: Record<string, number> };
    assert.deepEqual([manifest.dataset.csv_path, manifest.dataset.total_rows], [dataset.csvPath, 10], 'the manifest says which job it belongs to');
    assert.deepEqual(manifest.counts, { processed: 6, failed: 2, skipped: 2 });
    const stored = JSON.parse(await readFile(path.join(fixture.notebookDir, 'analysis.vbk-output', 'videos', 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    assert.equal(stored.length, 10);
    assert.deepEqual([jobs[0]?.phase, jobs.at(-1)?.phase], ['started', 'finished']);
    assert.equal(jobs.at(-1)?.checkpointPath, checkpointPath);
  });

  it('interrupts a running job: workers stop, the cell says so with the counts, and running it again resumes', async () => {
    let interrupting: Promise<string> | undefined;
    const first = await runCell(fixture.kernel, processingCell(dataset.csvPath, SLOW_KEYFRAMES), (output) => {
      const progress = (output.kind === 'updateDisplay' || output.kind === 'display') ? output.data[PROGRESS_MIME] as ProgressOutput | undefined : undefined;
      if (progress && progress.processed >= 2 && !interrupting) interrupting = fixture.kernel.interrupt();
    });
    assert.equal(await interrupting, 'interrupted');
    assert.equal(first.status, 'interrupted');
    const message = first.outputs.find((output) => output.kind === 'error');
    assert.ok(message?.kind === 'error' && message.name === 'Interrupted');
    assert.match(message.message, /Processing stopped at \d+\/10 videos .* run the cell again to resume/s);
    const stopped = progressUpdates(first.outputs).at(-1)!;
    assert.equal(stopped.state, 'interrupted');
    assert.ok(stopped.processed < 6, `stopped early (${stopped.processed} processed)`);

    const second = await runCell(fixture.kernel, processingCell(dataset.csvPath, SLOW_KEYFRAMES));
    assert.equal(second.status, 'ok');
    const resumed = progressUpdates(second.outputs).at(-1)!;
    assert.equal(resumed.state, 'done');
    const stored = JSON.parse(await readFile(path.join(fixture.notebookDir, 'analysis.vbk-output', 'videos', 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    const ids = stored.map((record) => record.id);
    assert.equal(new Set(ids).size, ids.length - 1, 'each video once (the duplicate-id row is the one repeat)');
    assert.deepEqual(stored.filter((record) => record.status === 'processed').map((record) => record.id), dataset.goodIds);
  });

  it('resumes in a fresh kernel after the kernel process was killed mid-run', async () => {
    let killed = false;
    const doomed = await runCell(fixture.kernel, processingCell(dataset.csvPath, SLOW_KEYFRAMES), (output) => {
      const progress = (output.kind === 'updateDisplay' || output.kind === 'display') ? output.data[PROGRESS_MIME] as ProgressOutput | undefined : undefined;
      if (progress && progress.processed >= 2 && !killed) {
        killed = true;
        process.kill(fixture.kernel.pid!, 'SIGKILL');
      }
    }).then(() => 'finished', (error: Error) => error.message);
    assert.match(doomed, /killed by SIGKILL/);

    await fixture.kernel.restart();
    const resumed = await runCell(fixture.kernel, processingCell(dataset.csvPath, SLOW_KEYFRAMES));
    assert.equal(resumed.status, 'ok', JSON.stringify(resumed.outputs.filter((output) => output.kind === 'error')));
    const final = progressUpdates(resumed.outputs).at(-1)!;
    assert.equal(final.state, 'done');
    assert.ok(final.skipped >= 2 + 2, `videos done before the kill are not redone (${final.skipped} skipped)`);
    const stored = JSON.parse(await readFile(path.join(fixture.notebookDir, 'analysis.vbk-output', 'videos', 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    assert.deepEqual(stored.filter((record) => record.status === 'processed').map((record) => record.id), dataset.goodIds);
    assert.equal(stored.length, 10, 'every row once');
  });
});
