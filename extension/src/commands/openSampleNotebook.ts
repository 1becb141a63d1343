import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The folder the walkthrough puts the sample in, inside the first workspace folder. */
const SAMPLE_FOLDER = 'video-batch-kernel-sample';

/**
 * "Open the Sample Notebook" (the walkthrough's step): copies the sample notebook into the first
 * workspace folder (so its checkpoints and outputs land there, not in the extension), generates
 * the sample videos beside it when they are not there yet, and opens it, ready to run top to bottom.
 */
export function registerOpenSampleNotebookCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.openSampleNotebook', async () => {
    const sample = path.join(context.extensionPath, 'samples', 'sample.ipynb');
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === 'file')?.uri.fsPath;
    if (!folder) {
      void vscode.window.showWarningMessage('Open a folder first: the sample notebook writes its dataset, checkpoint and keyframes beside itself.');
      return;
    }
    const target = path.join(folder, SAMPLE_FOLDER, 'sample.ipynb');
    if (!existsSync(target)) {
      await mkdir(path.dirname(target), { recursive: true });
      await cp(sample, target);
    }
    const dataFolder = path.join(path.dirname(target), 'data');
    if (!existsSync(path.join(dataFolder, 'videos.csv')) && !vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('This workspace is not trusted, so the sample videos were not generated (it would run FFmpeg\'s encoders). Trust the workspace and open the sample again.');
    } else if (!existsSync(path.join(dataFolder, 'videos.csv'))) {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Generating the sample videos…' },
        () => generateSampleDataset(path.join(context.extensionPath, 'dist', 'generateSamples.js'), dataFolder, log),
      );
    }
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.file(target)));
  });
}

/** Runs the bundled generator in a Node child (fork: the editor's own binary may be Electron). */
function generateSampleDataset(generator: string, dataFolder: string, log: vscode.LogOutputChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(generator, [dataFolder], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => log.info(chunk.toString().trimEnd()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`generating the sample videos in ${dataFolder} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}
