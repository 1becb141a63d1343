import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROGRESS_MIME, type ProgressOutput } from '../../../../kernel/src/display/notebookOutputs';
import { queryFrames, typeKeys, waitFor } from '../harness';
import { cellsEnded, cellText, WORKSPACE, outputJson } from '../notebookHelpers';

interface WrittenNotebook {
  metadata: { kernelspec: { language: string } };
  /** All cells' source, one after another. */
  source: string;
  /** The open notebook, once every cell of it ran successfully. */
  notebook: vscode.NotebookDocument;
}

/** The notebook the command wrote, read from disk, and the same notebook open after all its cells succeeded. */
async function writtenNotebookThatRan(notebookPath: string): Promise<WrittenNotebook> {
  const saved = JSON.parse(readFileSync(notebookPath, 'utf8')) as { metadata: WrittenNotebook['metadata']; cells: { source: string[] }[] };
  const notebook = vscode.workspace.notebookDocuments.find((candidate) => candidate.uri.fsPath === notebookPath);
  assert.ok(notebook, 'the notebook is open');
  const cells = await cellsEnded(notebook, 0, notebook.cellCount);
  for (const cell of cells) assert.equal(cell.executionSummary?.success, true, `cell ${cell.index + 1} failed:\n${cellText(cell)}`);
  return { metadata: saved.metadata, source: saved.cells.map((cell) => cell.source.join('')).join('\n'), notebook };
}

describe('Process Video Dataset', () => {
  it('writes a TypeScript notebook beside the CSV with the answered choices and runs it', async () => {
    const csv = vscode.Uri.file(path.join(WORKSPACE, 'data', 'videos.csv'));
    const answers = { videoCol: 'video_path', idCol: 'video_id', processing: 'metadata', numWorkers: 2, device: 'cpu', outputDir: '' };
    const notebookPath = await vscode.commands.executeCommand<string | undefined>('videoBatchKernel.processDataset', csv, answers);
    assert.equal(notebookPath, path.join(WORKSPACE, 'data', 'videos-metadata.ipynb'));
    const { metadata, source, notebook } = await writtenNotebookThatRan(notebookPath);
    assert.equal(metadata.kernelspec.language, 'typescript');
    assert.match(source, /builtins\.metadata\(\)/);
    assert.match(source, /numWorkers: 2/);
    assert.match(source, /device: "cpu"/);
    const [progress] = outputJson<ProgressOutput>(notebook.cellAt(2), PROGRESS_MIME);
    assert.equal(progress?.state, 'done');
    assert.ok(existsSync(path.join(WORKSPACE, 'data', 'videos-metadata.vbk-checkpoint', 'videos.json')));
  });

  it('asks its questions in quick picks, as from the explorer menu on a CSV, and runs the answers', async () => {
    const csv = vscode.Uri.file(path.join(WORKSPACE, 'data', 'videos.csv'));
    const command = vscode.commands.executeCommand<string | undefined>('videoBatchKernel.processDataset', csv);
    // Each step's quick pick, and what a person types into it (an empty filter takes the preselected item).
    const answers: [step: string, typed: string][] = [
      ['the column with video paths', ''],
      ['the column with video ids', ''],
      ['processing', 'Adaptive'],
      ['workers', '1'],
      ['device', 'cpu'],
      ['output folder', ''],
    ];
    for (const [step, typed] of answers) {
      await waitFor(`the "${step}" quick pick`, async () => ((await queryFrames('.quick-input-title')).some((title) => title.endsWith(`: ${step}`)) ? true : undefined), 30_000);
      await typeKeys(typed);
    }
    const notebookPath = await command;
    assert.equal(notebookPath, path.join(WORKSPACE, 'data', 'videos-adaptive.ipynb'));
    const { source } = await writtenNotebookThatRan(notebookPath);
    assert.match(source, /videoCol: "video_path"/);
    assert.match(source, /idCol: "video_id"/);
    assert.match(source, /builtins\.adaptive\(/);
    assert.match(source, /numWorkers: 1/);
    assert.match(source, /device: "cpu"/);
  });
});
