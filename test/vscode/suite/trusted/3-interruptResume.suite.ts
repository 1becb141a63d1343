import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TYPESCRIPT_NOTEBOOK_METADATA } from '../../../../extension/src/datasetNotebook/processingNotebook';
import { queryFrames, waitFor } from '../harness';
import { cellsEnded, cellText, extensionApi, openWithController, runCells, WORKSPACE } from '../notebookHelpers';

const code = (source: string) => ({ cell_type: 'code', metadata: {}, source: [source], execution_count: null, outputs: [] });

/**
 * A run slow enough to interrupt. Rows are in flight several per worker, so a plain delay per video
 * would elapse for all of them at once: the delays are chained, one video after another.
 */
function writeSlowNotebook(file: string): void {
  const cells = [
    code("import { BatchVideoProcessor, DecoderConfig } from 'video-batch-kernel';\nconst processor = new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 1 });\nlet turn = Promise.resolve();"),
    code("const results = await processor.processDataset({ csvPath: 'data/videos.csv', videoCol: 'video_path', idCol: 'video_id', processFn: async (loader) => { await (turn = turn.then(() => new Promise((r) => setTimeout(r, 400)))); return { frames: (await loader.getMetadata()).num_frames }; } });"),
    code('results.stats'),
  ];
  writeFileSync(file, JSON.stringify({ cells, metadata: TYPESCRIPT_NOTEBOOK_METADATA, nbformat: 4, nbformat_minor: 5 }));
}

describe('interrupt and resume', () => {
  it('shows "Resume n/N videos" for the interrupted job; resuming finishes it with every video once', async () => {
    const api = await extensionApi();
    const notebookPath = path.join(WORKSPACE, 'slow.ipynb');
    writeSlowNotebook(notebookPath);
    const notebook = await openWithController(notebookPath);
    // The command resolves only when the controller's handler returns, after the cells: not awaited.
    const executing = runCells(notebook, 0, 2);
    await waitFor('a few videos done', () => {
      const progress = api.notebooks.sessionOf(notebook)?.job?.report.progress;
      return progress && progress.processed + progress.failed >= 3 ? true : undefined;
    });
    // What the notebook toolbar's Interrupt calls.
    await api.notebooks.controller.interruptHandler?.(notebook);
    await executing;
    const [, processing] = await cellsEnded(notebook, 0, 2);
    assert.equal(processing!.executionSummary?.success, false, cellText(processing!));
    assert.match(cellText(processing!), /interrupted/i);

    await api.jobStatus.refresh();
    const resumable = api.jobStatus.resumable;
    assert.ok(resumable, 'the status bar offers to resume');
    assert.ok(resumable.job.settled >= 3 && resumable.job.settled < resumable.job.total, `${resumable.job.settled}/${resumable.job.total}`);
    const items = await waitFor('the resume item in the status bar', async () => {
      const texts = await queryFrames('.statusbar-item');
      return texts.some((text) => /Resume \d+\/\d+ videos/.test(text)) ? texts : undefined;
    });
    assert.ok(items.some((text) => text.includes(`Resume ${resumable.job.settled}/${resumable.job.total} videos`)));

    // The command returns once the re-run cells have ended.
    assert.equal(await vscode.commands.executeCommand('videoBatchKernel.resume'), true);
    const [, resumed] = await cellsEnded(notebook, 0, 2, 180_000);
    assert.equal(resumed!.executionSummary?.success, true, cellText(resumed!));

    const results = JSON.parse(readFileSync(path.join(WORKSPACE, 'slow.vbk-output', 'videos', 'processing_results.json'), 'utf8')) as { id: string }[];
    const ids = results.map((record) => record.id);
    assert.equal(new Set(ids).size, ids.length, 'every video once');
    assert.equal(ids.length, resumable.job.total);
    await api.jobStatus.refresh();
    assert.equal(api.jobStatus.resumable, undefined, 'nothing left to resume');
  });
});
