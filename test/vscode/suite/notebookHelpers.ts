import * as vscode from 'vscode';
import type { VideoBatchKernelApi } from '../../../extension/src/extension';
import { waitFor } from './harness';

export const EXTENSION_ID = 'video-batch-kernel.video-batch-kernel';
export const WORKSPACE = process.env.VBK_TEST_WORKSPACE ?? '';

export async function extensionApi(): Promise<VideoBatchKernelApi> {
  const extension = vscode.extensions.getExtension<VideoBatchKernelApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Opens the notebook and selects our controller (retried: it answers false until the editor knows the controller). */
export async function openWithController(file: string): Promise<vscode.NotebookDocument> {
  const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showNotebookDocument(notebook);
  await waitFor('the controller to be selectable', async () =>
    (await vscode.commands.executeCommand<boolean>('notebook.selectKernel', { notebookEditor: editor, id: 'video-batch-kernel', extension: EXTENSION_ID })) || undefined);
  return notebook;
}

export function runCells(notebook: vscode.NotebookDocument, start: number, end: number): Thenable<unknown> {
  return vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start, end }], document: notebook.uri });
}

/** Waits until the code cells of `[start, end)` have ended (execute resolves when the handler returns, not when cells end). */
export function cellsEnded(notebook: vscode.NotebookDocument, start: number, end: number, timeoutMs = 120_000): Promise<vscode.NotebookCell[]> {
  return waitFor(`cells ${start}-${end - 1} to end`, () => {
    const cells = notebook.getCells(new vscode.NotebookRange(start, end)).filter((cell) => cell.kind === vscode.NotebookCellKind.Code);
    return cells.every((cell) => cell.executionSummary?.success !== undefined) ? cells : undefined;
  }, timeoutMs);
}

export function outputJson<T>(cell: vscode.NotebookCell, mime: string): T[] {
  return cell.outputs.flatMap((output) => output.items.filter((item) => item.mime === mime).map((item) => JSON.parse(Buffer.from(item.data).toString('utf8')) as T));
}

export function cellText(cell: vscode.NotebookCell): string {
  return cell.outputs.flatMap((output) => output.items.map((item) => (item.mime.startsWith('text/') || item.mime.includes('stdout') || item.mime.includes('error') ? Buffer.from(item.data).toString('utf8') : ''))).join('\n');
}
