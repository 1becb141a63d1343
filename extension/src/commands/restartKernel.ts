import * as vscode from 'vscode';
import type { NotebookSessions } from '../notebook/notebookSessions';

/** "Restart Kernel" (notebook toolbar): a fresh kernel for the active notebook, variables gone. */
export function registerRestartKernelCommand(notebooks: NotebookSessions): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.restartKernel', async () => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (notebook) await notebooks.restart(notebook);
  });
}
