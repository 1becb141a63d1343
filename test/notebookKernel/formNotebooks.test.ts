import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { processingNotebook } from '../../extension/src/datasetNotebook/processingNotebook';
import type { ProcessingKind, ProcessingPlan } from '../../extension/src/datasetNotebook/processingPlan';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { runCell, startKernel, type KernelFixture } from './kernelFixture';

interface NotebookJson {
  cells: { cell_type: string; source: string[] }[];
}

/**
 * The notebooks the "Process Video Dataset" form writes, run cell by cell in the real kernel: what
 * a user gets from the form for each processing must run as written and record what it promises.
 */
describe('notebook kernel: the notebooks the dataset form writes', function () {
  let dataset: DatasetFixture;
  let fixture: KernelFixture;
  before(async () => {
    dataset = await makeDataset({ goodVideos: 2, frameCount: 50 });
  });
  beforeEach(async () => {
    fixture = await startKernel();
  });
  afterEach(async () => fixture?.cleanup());
  after(async () => dataset?.cleanup());

  async function runFormNotebook(processing: ProcessingKind, extra: Partial<ProcessingPlan> = {}): Promise<ProcessingRecord[]> {
    const plan: ProcessingPlan = { csvPath: dataset.csvPath, videoCol: 'video_path', idCol: 'video_id', processing, numFrames: 4, thumbnailSize: 64, numWorkers: 1, device: 'cpu', ...extra };
    const notebook = JSON.parse(processingNotebook(plan, fixture.notebookPath)) as NotebookJson;
    for (const cell of notebook.cells.filter((cell) => cell.cell_type === 'code')) {
      const run = await runCell(fixture.kernel, cell.source.join(''));
      assert.equal(run.status, 'ok', `${processing}: ${JSON.stringify(run.outputs.filter((output) => output.kind === 'error'))}`);
    }
    const results = path.join(fixture.notebookDir, 'analysis.vbk-output', 'videos', 'processing_results.json');
    return (JSON.parse(await readFile(results, 'utf8')) as ProcessingRecord[]).filter((record) => record.status === 'processed');
  }

  it('fps sampling: one frame per 1/fps seconds of every video', async () => {
    const records = await runFormNotebook('fps', { fps: 2 });
    assert.equal(records.length, dataset.goodIds.length);
    for (const record of records) {
      const result = record.result as { fps: number; times: number[]; indices: number[] };
      assert.equal(result.fps, 2);
      // 50 frames at 25 fps last 2 s: times 0, 0.5, 1, 1.5.
      assert.deepEqual(result.times, [0, 0.5, 1, 1.5]);
      assert.equal(result.indices.length, 4);
    }
  });

  it('scenes: the shots of every video with a keyframe each', async () => {
    const records = await runFormNotebook('scenes');
    assert.equal(records.length, dataset.goodIds.length);
    for (const record of records) {
      const result = record.result as { scenes: { start_frame: number; end_frame: number; keyframe_index: number }[] };
      assert.ok(result.scenes.length >= 1);
      assert.equal(result.scenes[0].start_frame, 0);
      assert.equal(result.scenes.at(-1)!.end_frame, 49);
    }
  });
});
