import * as vscode from 'vscode';
import type { MimeBundle } from '../../../kernel/src/display/display';
import type { ErrorOutput } from '../../../kernel/src/notebookKernel/kernelProtocol';

const BINARY_IMAGE = /^image\/(png|jpeg|gif|webp)$/;

/** One output item per MIME type of a display, in the form VS Code's renderers expect. */
export function outputItemsOf(data: MimeBundle): vscode.NotebookCellOutputItem[] {
  return Object.entries(data).map(([mime, value]) => {
    // Jupyter's convention, which tslab follows: binary images travel as base64 text.
    if (BINARY_IMAGE.test(mime) && typeof value === 'string') return new vscode.NotebookCellOutputItem(Buffer.from(value, 'base64'), mime);
    if (typeof value === 'string') return vscode.NotebookCellOutputItem.text(value, mime);
    return vscode.NotebookCellOutputItem.json(value, mime);
  });
}

/** A cell error as VS Code shows errors: name, message and the stack in the cell's own lines. */
export function errorOutputOf(error: ErrorOutput): vscode.NotebookCellOutput {
  const where = error.position ? ` (cell line ${error.position.line}, column ${error.position.column})` : '';
  return new vscode.NotebookCellOutput([
    vscode.NotebookCellOutputItem.error({ name: error.name, message: `${error.message}${where}`, stack: error.stack ?? '' }),
  ]);
}
