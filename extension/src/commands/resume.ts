import * as vscode from 'vscode';
import { notebookOfCheckpoint } from '../../../kernel/src/checkpoint/notebookCheckpoints';
import { checkpointOverview } from '../../../kernel/src/cluster/runOverview';
import { checkpointPathOf } from '../runsView/runTarget';
import type { JobStatusItem } from '../statusBar/jobStatusItem';
import { resumeNotebookJob } from './resumeNotebookJob';

/**
 * "Resume Video Processing": without an argument, the active notebook's unfinished job (what the
 * status bar offers); with a checkpoint (a runs view item or a path), that checkpoint's job, from
 * the notebook that made it. Answers whether cells were run.
 */
export function registerResumeCommand(status: JobStatusItem, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.resume', async (target?: unknown) => {
    const checkpointPath = checkpointPathOf(target);
    if (checkpointPath) return resumeCheckpoint(checkpointPath, log);
    await status.refresh();
    const resumable = status.resumable;
    if (!resumable) {
      void vscode.window.showInformationMessage('The active notebook has no unfinished processing job to resume.');
      return false;
    }
    return resumeNotebookJob(resumable.notebook, resumable.job, log);
  });
}

async function resumeCheckpoint(checkpointPath: string, log: vscode.LogOutputChannel): Promise<boolean> {
  const notebookPath = notebookOfCheckpoint(checkpointPath);
  const notebook = notebookPath && (await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebookPath)).then((opened) => opened, () => undefined));
  if (!notebook) {
    void vscode.window.showInformationMessage(
      `${checkpointPath} was not made by a notebook here: run the same video-batch-kernel process command again to resume it (only the videos not done run).`,
    );
    return false;
  }
  const { csvPath, dataset } = await checkpointOverview(checkpointPath);
  return resumeNotebookJob(notebook, { checkpointPath, ...(csvPath ? { csvPath } : {}), settled: dataset.total_videos - dataset.pending, total: dataset.total_videos }, log);
}
