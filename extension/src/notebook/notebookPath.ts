import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * The file the kernel takes as the notebook: its folder is the cells' working directory and holds
 * the checkpoints. An unsaved notebook has none yet; it works in the first workspace folder.
 */
export function notebookFilePath(notebook: vscode.NotebookDocument): string {
  if (notebook.uri.scheme === 'file') return notebook.uri.fsPath;
  const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === 'file')?.uri.fsPath ?? homedir();
  return path.join(folder, `${path.basename(notebook.uri.path) || 'Untitled'}.ipynb`);
}
