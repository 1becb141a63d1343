import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * The cell that starts a job: the code cell calling processDataset that names the job's CSV (by
 * file name), else the first code cell calling processDataset. Resuming re-runs the notebook up to
 * and including it, so the processor it uses is set up exactly as before.
 */
export function processingCellIndex(notebook: vscode.NotebookDocument, csvPath: string | undefined): number | undefined {
  const calls = notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code && /\bprocessDataset\s*\(/.test(cell.document.getText()));
  const csvName = csvPath && path.basename(csvPath);
  const naming = csvName ? calls.find((cell) => cell.document.getText().includes(csvName)) : undefined;
  return (naming ?? calls[0])?.index;
}
