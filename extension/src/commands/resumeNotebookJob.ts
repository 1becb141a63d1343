import * as path from 'node:path';
import * as vscode from 'vscode';
import { runCellsWithController } from '../notebook/runCells';
import { processingCellIndex } from '../statusBar/processingCell';

/** The job to resume: its checkpoint, its dataset, and how far it got (for the log). */
export interface NotebookJob {
  checkpointPath: string;
  csvPath?: string;
  settled: number;
  total: number;
}

/**
 * Re-runs the notebook up to and including the cell that starts the job. The library resumes from
 * the checkpoint, so only videos not done run. False, with a warning, when no cell starts it.
 */
export async function resumeNotebookJob(notebook: vscode.NotebookDocument, job: NotebookJob, log: vscode.LogOutputChannel): Promise<boolean> {
  const cellIndex = processingCellIndex(notebook, job.csvPath);
  if (cellIndex === undefined) {
    void vscode.window.showWarningMessage(`${path.basename(notebook.uri.path)} has no cell calling processDataset, so its job (${job.checkpointPath}) cannot be resumed from it.`);
    return false;
  }
  log.info(`resuming ${job.checkpointPath} at ${job.settled}/${job.total}: running cells 1 to ${cellIndex + 1} of ${path.basename(notebook.uri.path)}`);
  await runCellsWithController(notebook, 0, cellIndex + 1);
  return true;
}
