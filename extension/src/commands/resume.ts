import * as path from 'node:path';
import * as vscode from 'vscode';
import { runCellsWithController } from '../notebook/runCells';
import type { JobStatusItem } from '../statusBar/jobStatusItem';
import { processingCellIndex } from '../statusBar/processingCell';

/**
 * "Resume Video Processing": re-runs the active notebook up to and including the cell that starts
 * its unfinished job. The library resumes from the checkpoint, so only videos not done run.
 */
export function registerResumeCommand(status: JobStatusItem, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.resume', async () => {
    await status.refresh();
    const resumable = status.resumable;
    if (!resumable) {
      void vscode.window.showInformationMessage('The active notebook has no unfinished processing job to resume.');
      return false;
    }
    const { notebook, job } = resumable;
    const cellIndex = processingCellIndex(notebook, job.csvPath);
    if (cellIndex === undefined) {
      void vscode.window.showWarningMessage(`${path.basename(notebook.uri.path)} has no cell calling processDataset, so its job (${job.checkpointPath}) cannot be resumed from it.`);
      return false;
    }
    log.info(`resuming ${job.checkpointPath} at ${job.settled}/${job.total}: running cells 1 to ${cellIndex + 1} of ${path.basename(notebook.uri.path)}`);
    await runCellsWithController(notebook, 0, cellIndex + 1);
    return true;
  });
}
