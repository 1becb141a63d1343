import * as vscode from 'vscode';
import { CONTROLLER_ID } from './notebookSessions';

export const EXTENSION_ID = 'video-batch-kernel.video-batch-kernel';

/** How long the editor may take to learn of the controller after a notebook opens. */
const SELECT_TIMEOUT_MS = 5_000;
const SELECT_RETRY_MS = 100;

/**
 * Shows the notebook, makes our controller its kernel and runs cells `[start, end)` through VS
 * Code's own command, so the run looks and behaves as if the user had clicked it. When the
 * controller cannot be selected, nothing runs: another kernel would run the cells otherwise.
 */
export async function runCellsWithController(notebook: vscode.NotebookDocument, start: number, end: number): Promise<void> {
  const editor = await vscode.window.showNotebookDocument(notebook);
  // notebook.selectKernel answers false (and shows nothing) while the controller is not yet known
  // to the editor, which happens right after the notebook opens; VS Code has no event for that
  // moment, so the command is asked again until it answers true.
  const deadline = Date.now() + SELECT_TIMEOUT_MS;
  const select = () => vscode.commands.executeCommand<boolean>('notebook.selectKernel', { notebookEditor: editor, id: CONTROLLER_ID, extension: EXTENSION_ID });
  while (!(await select())) {
    if (Date.now() > deadline) {
      throw new Error(`the Video Batch Kernel could not be selected for ${notebook.uri.fsPath} within ${SELECT_TIMEOUT_MS / 1000} s, so no cell was run`);
    }
    await new Promise((resolve) => setTimeout(resolve, SELECT_RETRY_MS));
  }
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start, end }], document: notebook.uri });
}
