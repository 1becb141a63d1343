import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WORKSPACE } from '../notebookHelpers';

describe('the walkthrough', () => {
  it('opens the sample notebook in the workspace with its dataset generated beside it', async () => {
    await vscode.commands.executeCommand('videoBatchKernel.openSampleNotebook');
    const folder = path.join(WORKSPACE, 'video-batch-kernel-sample');
    const csv = readFileSync(path.join(folder, 'data', 'videos.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'video_id,video_path');
    const videos = csv.slice(1).map((row) => path.join(folder, 'data', row.split(',').at(-1)!));
    assert.ok(videos.filter((video) => existsSync(video)).length >= 10, 'the sample videos exist');
    assert.equal(vscode.window.activeNotebookEditor?.notebook.uri.fsPath, path.join(folder, 'sample.ipynb'));
  });
});
