import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunNode } from '../../../../extension/src/runsView/runNodes';
import type { ProcessingRecord } from '../../../../kernel/src/checkpoint/processingRecord';
import { RUNS_EXPECTED_FILE, RUNS_FOLDER, type RunsExpected } from '../../runsWorkspace';
import { queryFrames, screenshot, waitFor } from '../harness';
import { cellsEnded, cellText, extensionApi, WORKSPACE } from '../notebookHelpers';

const RUNS = path.join(WORKSPACE, RUNS_FOLDER);
/** The runs view's pane in the sidebar: what the screenshots show. */
const RUNS_PANE = '.part.sidebar .pane:has(.pane-header:has-text("Video Batch Runs"))';
/** VS Code's tree rows and pane headers are 22 px high: the pictures show the header and the rows, not the empty pane below. */
const ROW_PX = 22;
const SCREENSHOTS = path.resolve(process.env.VBK_REPO ?? '', process.env.VBK_SCREENSHOTS_DIR || path.join('out', 'screenshots'));
const FAILING = path.join(RUNS, 'failing.vbk-checkpoint', 'withmissing.json');
const FAILING_RESULTS = path.join(RUNS, 'failing.vbk-output', 'withmissing', 'processing_results.json');

/** The view's item for a checkpoint, as the view shows it, once `matches` holds (the view refreshes itself on file events). */
async function itemOf(checkpointPath: string, what: string, matches: (item: vscode.TreeItem) => boolean = () => true, timeoutMs = 60_000): Promise<{ node: RunNode; item: vscode.TreeItem }> {
  const { runs } = await extensionApi();
  return waitFor(`${path.relative(WORKSPACE, checkpointPath)} ${what}`, () => {
    const node = runs.nodes.find((candidate) => candidate.path === checkpointPath);
    const item = node && runs.getTreeItem(node);
    return node && item && matches(item) ? { node, item } : undefined;
  }, timeoutMs);
}

const tooltipOf = (item: vscode.TreeItem) => (item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip));
const records = (file: string) => new Map((JSON.parse(readFileSync(file, 'utf8')) as ProcessingRecord[]).map((record) => [record.id, record]));

/** A server whose answers wait until released, then are 404s: a video that stays in flight as long as the test wants. */
async function heldVideoServer(): Promise<{ url: string; release(): void; close(): void }> {
  const held: ServerResponse[] = [];
  let released = false;
  const notFound = (response: ServerResponse) => response.writeHead(404).end();
  const server = createServer((_request, response) => (released ? notFound(response) : held.push(response)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/held.mp4`,
    release: () => {
      released = true;
      held.splice(0).forEach(notFound);
    },
    close: () => server.close(),
  };
}

/** The other views of the Explorer, hidden for the pictures so that the runs view has its room. */
const OTHER_EXPLORER_VIEWS = ['workbench.explorer.fileView', 'outline', 'timeline'];

async function screenshotsOfTheView(liveCheckpoint: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.explorer');
  for (const view of OTHER_EXPLORER_VIEWS) {
    await vscode.commands.executeCommand(`${view}.removeView`).then(undefined, (error: Error) => console.log(`${view} stays: ${error.message}`));
  }
  await vscode.workspace.getConfiguration('workbench.view').update('alwaysShowHeaderActions', true, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('videoBatchKernel.runs.focus');
  const { runs, runsView } = await extensionApi();
  const job = runs.nodes.find((node) => node.path === path.join(RUNS, 'cluster-out'));
  const [shard] = job ? await runs.getChildren(job) : [];
  if (shard) await runsView.reveal(shard, { expand: true, select: false });
  const pictureHeight = ROW_PX * (1 + runs.nodes.length + (job?.overview?.parts?.length ?? 0)) + ROW_PX / 2;
  // Only for the picture: the running state itself was asserted through the view's items.
  const live = path.basename(liveCheckpoint, '.vbk-checkpoint.json');
  await waitFor('the running item drawn', async () => ((await queryFrames(`${RUNS_PANE} .monaco-list-row`)).some((text) => text.includes(live) && /· running/.test(text)) ? true : undefined), 10_000)
    .catch((error: Error) => console.log(`screenshot taken anyway: ${error.message}`));
  await screenshot(path.join(SCREENSHOTS, 'runs-view-light.png'), RUNS_PANE, pictureHeight);
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
  await waitFor('the dark theme', async () => ((await queryFrames('.monaco-workbench.vs-dark .part.sidebar .title-label')).length ? true : undefined));
  await screenshot(path.join(SCREENSHOTS, 'runs-view-dark.png'), RUNS_PANE, pictureHeight);
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  await vscode.workspace.getConfiguration('workbench.view').update('alwaysShowHeaderActions', undefined, vscode.ConfigurationTarget.Global);
}

describe('the Video Batch Runs view', () => {
  it('lists the finished, interrupted and failing runs with their counts', async () => {
    const { runs } = await extensionApi();
    await runs.refresh();
    const expected = JSON.parse(readFileSync(path.join(RUNS, RUNS_EXPECTED_FILE), 'utf8')) as RunsExpected;
    const listed = runs.nodes.filter((node) => node.path.startsWith(`${RUNS}${path.sep}`)).map((node) => path.relative(RUNS, node.path));
    assert.deepEqual(listed.sort(), ['cluster-out', 'failing.vbk-checkpoint/withmissing.json', 'good.vbk-checkpoint.json', 'interrupted.vbk-checkpoint/good.json']);

    const finished = (await itemOf(path.join(RUNS, 'good.vbk-checkpoint.json'), 'listed')).item;
    assert.equal(finished.label, 'good.csv');
    assert.equal(finished.description, '4/4 · complete');
    assert.match(tooltipOf(finished), /Processing: metadata/);

    const interrupted = (await itemOf(path.join(RUNS, 'interrupted.vbk-checkpoint', 'good.json'), 'listed')).item;
    assert.equal(interrupted.description, `${expected.interruptedSettled}/4 · interrupted · interrupted.ipynb`);
    assert.match(tooltipOf(interrupted), new RegExp(`failed 0, skipped 0, pending ${4 - expected.interruptedSettled} of 4`));
    assert.match(String(interrupted.contextValue), /\bresumable\b/);

    const failing = (await itemOf(FAILING, 'listed')).item;
    assert.equal(failing.description, '4/4 · complete · failing.ipynb');
    assert.match(tooltipOf(failing), /Processed 3, failed 1, skipped 0, pending 0 of 4/);
    assert.match(String(failing.contextValue), /\bfailed\b.*\bstopped\b/);

    // A cluster job is one item, its shards its children, each read by the kernel's job status.
    const cluster = await itemOf(path.join(RUNS, 'cluster-out'), 'listed');
    assert.equal(cluster.item.description, '2/4 · interrupted · cluster-out/, 2 parts');
    const parts = (await runs.getChildren(cluster.node)).map((part) => runs.getTreeItem(part));
    assert.deepEqual(parts.map((part) => part.label), ['shard-00000-of-00002', 'shard-00001-of-00002']);
    assert.match(String(parts[0]!.description), /^2\/2 · complete/);
    assert.equal(parts[1]!.description, '0/2 · not started');
  });

  it('exports the failures as CSV beside the checkpoint', async () => {
    const { node } = await itemOf(FAILING, 'listed');
    const written = await vscode.commands.executeCommand<string>('videoBatchKernel.exportFailures', node);
    assert.equal(written, path.join(RUNS, 'failing.vbk-checkpoint', 'withmissing.failures.csv'));
    const lines = readFileSync(written, 'utf8').split('\r\n').filter(Boolean);
    assert.deepEqual(lines, ['id,video_path,error,error_kind', `fixme,${path.join(RUNS, 'videos', 'fixme.mp4')},file not found: ${path.join(RUNS, 'videos', 'fixme.mp4')},missing_file`]);
  });

  it('retries only the failed rows, through the notebook that made the checkpoint', async () => {
    const before = records(FAILING_RESULTS);
    assert.equal(before.get('fixme')?.status, 'failed');
    copyFileSync(path.join(RUNS, 'videos', 'clip0.mp4'), path.join(RUNS, 'videos', 'fixme.mp4'));
    const { node } = await itemOf(FAILING, 'listed');
    assert.equal(await vscode.commands.executeCommand('videoBatchKernel.retryFailed', node), 1);
    const notebook = await waitFor('the failing notebook open', () => vscode.workspace.notebookDocuments.find((document) => document.uri.fsPath === path.join(RUNS, 'failing.ipynb')));
    for (const cell of await cellsEnded(notebook, 0, notebook.cellCount, 180_000)) assert.equal(cell.executionSummary?.success, true, cellText(cell));

    // Right after the failed row was made pending again the item reads 3/4, interrupted; then the resume ends.
    const { item } = await itemOf(FAILING, 'retried', (candidate) => candidate.description === '4/4 · complete · failing.ipynb');
    assert.match(tooltipOf(item), /Processed 4, failed 0, skipped 0, pending 0 of 4/);
    const after = records(FAILING_RESULTS);
    assert.equal(after.get('fixme')?.status, 'processed');
    for (const id of ['clip0', 'clip1', 'clip2']) assert.deepEqual(after.get(id), before.get(id), `${id} was not processed again`);
  });

  it('follows a run of another process while it goes on, and will not delete its checkpoint meanwhile', async () => {
    const server = await heldVideoServer();
    const csvPath = path.join(RUNS, 'live.csv');
    writeFileSync(csvPath, `video_id,video_path\nheld,${server.url}\nclip0,videos/clip0.mp4\nclip1,videos/clip1.mp4\nclip2,videos/clip2.mp4\n`);
    const cli = fork(path.join(process.env.VBK_REPO ?? '', 'dist', 'cli.js'), ['process', csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'metadata', '--device', 'cpu', '--workers', '2', '--save-interval', '1'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => cli.once('exit', resolve));
    const checkpointPath = path.join(RUNS, 'live.vbk-checkpoint.json');
    try {
      const { node } = await itemOf(checkpointPath, 'running with 3 of 4 done', (item) => item.description === '3/4 · running');
      assert.equal(await vscode.commands.executeCommand('videoBatchKernel.deleteCheckpoint', node), false);
      assert.ok(existsSync(checkpointPath));
      await screenshotsOfTheView(checkpointPath);
    } finally {
      server.release();
    }
    const { item } = await itemOf(checkpointPath, 'complete', (candidate) => candidate.description === '4/4 · complete');
    assert.match(tooltipOf(item), /Processed 3, failed 1/);
    await exited;
    server.close();
  });
});
