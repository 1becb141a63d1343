import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KEYFRAMES_MIME, PROGRESS_MIME, type KeyframesOutput, type ProgressOutput } from '../../../../kernel/src/display/notebookOutputs';
import { fillInFrame, queryFrames, screenshot, waitFor } from '../harness';
import { cellsEnded, cellText, extensionApi, openWithController, outputJson, runCells, WORKSPACE } from '../notebookHelpers';

/** Screenshots go to out/screenshots; `VBK_SCREENSHOTS_DIR=docs` refreshes the README's. */
const SCREENSHOTS = path.resolve(process.env.VBK_REPO ?? '', process.env.VBK_SCREENSHOTS_DIR || path.join('out', 'screenshots'));

describe('the sample notebook in VS Code', () => {
  it('runs top to bottom: live progress, keyframe grid drawn by the renderers, checkpoint beside the notebook', async () => {
    await extensionApi();
    const notebookPath = path.join(WORKSPACE, 'sample.ipynb');
    const notebook = await openWithController(notebookPath);
    await runCells(notebook, 0, notebook.cellCount);
    const cells = await cellsEnded(notebook, 0, notebook.cellCount);
    for (const cell of cells) assert.equal(cell.executionSummary?.success, true, `cell ${cell.index + 1} failed:\n${cellText(cell)}`);
    assert.deepEqual(cells.map((cell) => cell.executionSummary?.executionOrder), cells.map((_, index) => index + 1));

    const processing = notebook.cellAt(2);
    const progress = outputJson<ProgressOutput>(processing, PROGRESS_MIME);
    assert.equal(progress.length, 1, 'one progress output, updated in place');
    assert.equal(progress[0]!.state, 'done');
    assert.equal(progress[0]!.processed + progress[0]!.failed + progress[0]!.skipped, progress[0]!.total);
    assert.ok(progress[0]!.processed >= 12, `processed ${progress[0]!.processed}`);
    const grids = outputJson<KeyframesOutput>(processing, KEYFRAMES_MIME);
    assert.equal(grids.length, 1);
    assert.ok(grids[0]!.videos.length > 0 && grids[0]!.videos.every((video) => video.frames.length === 8));
    assert.match(cellText(notebook.cellAt(4)), /success_rate/);
    assert.ok(existsSync(path.join(WORKSPACE, 'sample.vbk-checkpoint', 'videos.json')), `checkpoint folder: ${readdirSync(WORKSPACE).join(', ')}`);

    // The renderers ran in the output webview: their DOM is there, with the run's numbers.
    const progressTexts = await waitFor('the progress renderer', async () => ((await queryFrames('.vbk-progress')).length ? queryFrames('.vbk-progress') : undefined));
    assert.match(progressTexts[0]!, new RegExp(`${progress[0]!.processed}`));
    const thumbnails = await waitFor('the keyframe grid', async () => ((await queryFrames('.vbk-keyframes img')).length > 0 ? true : undefined));
    assert.ok(thumbnails);

    await screenshot(path.join(SCREENSHOTS, 'vscode-notebook-light.png'));
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await screenshot(path.join(SCREENSHOTS, 'vscode-notebook-dark.png'));
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);

    // The grid's controls, used as a person would in the output webview: each answer comes from the kernel.
    const shownIds = () => queryFrames('.vbk-keyframes .vbk-video-id');
    const shownAfter = (what: string, expected: (ids: string[]) => boolean) => waitFor(what, async () => {
      const ids = await shownIds();
      return ids.length > 0 && expected(ids) ? ids : undefined;
    });
    const firstPage = await shownIds();
    const wanted = grids[0]!.videos[1]!.id;
    await fillInFrame('.vbk-keyframes .vbk-search', wanted, 'Enter');
    assert.deepEqual(await shownAfter(`the grid searched for ${wanted}`, (ids) => ids.length < firstPage.length), [wanted]);
    await fillInFrame('.vbk-keyframes .vbk-search', '', 'Enter');
    await fillInFrame('.vbk-keyframes .vbk-status', 'failed');
    const failedIds = await shownAfter('the failed rows', (ids) => !ids.includes(firstPage[0]!));
    assert.equal(failedIds.length, Math.min(progress[0]!.failed, grids[0]!.pageSize));
    const errors = await queryFrames('.vbk-keyframes .vbk-video-error');
    assert.equal(errors.length, failedIds.length);
    assert.ok(errors.every((error) => error.length > 0), 'each failed row shows its error');
  });
});
