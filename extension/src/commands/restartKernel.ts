import * as vscode from 'vscode';
import type { KernelController } from '../notebook/kernelController';

/** "Restart Kernel" (notebook toolbar): a fresh kernel for the active notebook, variables gone. */
export function registerRestartKernelCommand(kernels: KernelController): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.restartKernel', async () => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (notebook) await kernels.restart(notebook);
  });
}
