import * as vscode from 'vscode';

/**
 * The checkpoint a command was given: a view item (anything with a `checkpointPath`), a path, or
 * a file URI. Commands of the runs view take any of them, so a keybinding, a test or another
 * extension can name a checkpoint directly.
 */
export function checkpointPathOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target instanceof vscode.Uri) return target.fsPath;
  if (typeof target === 'object' && target !== null && 'checkpointPath' in target && typeof target.checkpointPath === 'string') return target.checkpointPath;
  return undefined;
}
