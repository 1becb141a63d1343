import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * "Open the Sample Notebook" (the walkthrough's step): copies the sample notebook into the first
 * workspace folder (so its checkpoints and outputs land there, not in the extension) and opens it.
 */
export function registerOpenSampleNotebookCommand(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.openSampleNotebook', async () => {
    const sample = path.join(context.extensionPath, 'samples', 'sample.ipynb');
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === 'file')?.uri.fsPath;
    let target = sample;
    if (folder) {
      target = path.join(folder, 'video-batch-kernel-sample', 'sample.ipynb');
      if (!existsSync(target)) {
        await mkdir(path.dirname(target), { recursive: true });
        await cp(sample, target);
      }
    }
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.file(target)));
  });
}
