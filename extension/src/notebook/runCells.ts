import * as vscode from 'vscode';
import { CONTROLLER_ID } from './kernelController';

export const EXTENSION_ID = 'video-batch-kernel.video-batch-kernel';

/**
 * Shows the notebook, makes our controller its kernel and runs cells `[start, end)` through VS
 * Code's own command, so the run looks and behaves as if the user had clicked it.
 */
export async function runCellsWithController(notebook: vscode.NotebookDocument, start: number, end: number): Promise<void> {
  const editor = await vscode.window.showNotebookDocument(notebook);
  // notebook.selectKernel answers false (and shows nothing) while the controller is not yet known
  // to the editor, which happens right after the notebook opens: try again briefly.
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await vscode.commands.executeCommand<boolean>('notebook.selectKernel', { notebookEditor: editor, id: CONTROLLER_ID, extension: EXTENSION_ID })) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start, end }], document: notebook.uri });
}
