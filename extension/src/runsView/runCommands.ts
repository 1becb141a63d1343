import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorText } from '../../../kernel/src/errorText';
import { readLockHolder } from '../../../kernel/src/checkpoint/checkpointLock';
import { deleteCheckpoint } from '../../../kernel/src/checkpoint/deleteCheckpoint';
import { failuresCsvPathOf, writeFailuresCsv } from '../../../kernel/src/checkpoint/failuresCsv';
import { PARQUET_RESULTS_FILE, RESULTS_JSON_FILE } from '../../../kernel/src/checkpoint/resultsFiles';
import { markFailedRowsPending } from '../../../kernel/src/checkpoint/retryFailedRows';
import { notebookOfCheckpoint } from '../../../kernel/src/checkpoint/notebookCheckpoints';
import { checkpointOverview } from '../../../kernel/src/cluster/runOverview';
import type { RunsTreeProvider } from './runsTreeProvider';
import { checkpointPathOf } from './runTarget';

/** The results folder of an item or a checkpoint path (a job's merged folder, a checkpoint's last written one). */
async function resultsDirOf(target: unknown): Promise<string | undefined> {
  if (typeof target === 'object' && target !== null && 'overview' in target) {
    const overview = (target as { overview?: { resultsDir?: string } }).overview;
    if (overview?.resultsDir) return overview.resultsDir;
  }
  const checkpointPath = checkpointPathOf(target);
  return checkpointPath ? (await checkpointOverview(checkpointPath)).resultsDir : undefined;
}

function requiredCheckpoint(target: unknown, action: string): string {
  const checkpointPath = checkpointPathOf(target);
  if (!checkpointPath) throw new Error(`${action} needs a checkpoint: pick a run in the Video Batch Runs view`);
  return checkpointPath;
}

/** Marks the failed rows pending again, then resumes the job where its notebook can; answers how many rows will run again. */
async function retryFailed(runs: RunsTreeProvider, target: unknown): Promise<number> {
  const checkpointPath = requiredCheckpoint(target, 'Retry Failed');
  const rows = await markFailedRowsPending(checkpointPath);
  await runs.reread(checkpointPath);
  if (rows === 0) {
    void vscode.window.showInformationMessage(`${path.basename(checkpointPath)} has no failed videos.`);
    return 0;
  }
  const notebook = notebookOfCheckpoint(checkpointPath);
  if (notebook && existsSync(notebook)) {
    await vscode.commands.executeCommand('videoBatchKernel.resume', checkpointPath);
  } else {
    void vscode.window.showInformationMessage(`${rows} failed videos of ${checkpointPath} are pending again: run the same video-batch-kernel process command to process them.`);
  }
  return rows;
}

/** Writes the failures CSV (beside the checkpoint unless `destination` says where); answers its path. */
async function exportFailures(target: unknown, destination?: unknown): Promise<string> {
  const checkpointPath = requiredCheckpoint(target, 'Export Failures');
  const csvPath = checkpointPathOf(destination);
  const written = csvPath ?? failuresCsvPathOf(checkpointPath);
  const rows = await writeFailuresCsv(checkpointPath, written);
  void vscode.window.showInformationMessage(`${rows} failed videos written to ${written}.`, 'Open').then((choice) => {
    if (choice) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(written));
  });
  return written;
}

/** Opens processing_results.json in an editor, or the .parquet with whatever opens it (`which`: 'json' | 'parquet'). */
async function openResults(target: unknown, which?: unknown): Promise<vscode.Uri | undefined> {
  const resultsDir = await resultsDirOf(target);
  const files = resultsDir ? [RESULTS_JSON_FILE, PARQUET_RESULTS_FILE].map((name) => path.join(resultsDir, name)).filter((file) => existsSync(file)) : [];
  let file = files.find((candidate) => (which === 'parquet' ? candidate.endsWith('.parquet') : which === 'json' ? candidate.endsWith('.json') : false));
  if (!file && files.length > 1 && which === undefined) file = await vscode.window.showQuickPick(files, { title: 'Open which results file?' });
  else file ??= files[0];
  if (!file) {
    void vscode.window.showInformationMessage('This run has written no results files yet.');
    return undefined;
  }
  const uri = vscode.Uri.file(file);
  if (file.endsWith('.json')) await vscode.window.showTextDocument(uri, { preview: true });
  else await vscode.commands.executeCommand('vscode.open', uri);
  return uri;
}

async function revealOutputs(target: unknown): Promise<void> {
  const folder = (await resultsDirOf(target)) ?? (typeof target === 'object' && target !== null && 'path' in target ? String(target.path) : undefined);
  if (!folder) return;
  const uri = vscode.Uri.file(folder);
  // The explorer shows what is in the workspace; anything else only the system's file manager.
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

/** Deletes after a modal confirmation; refuses, naming the run, while a live run holds it. Answers whether it was deleted. */
async function deleteWithConfirmation(runs: RunsTreeProvider, target: unknown): Promise<boolean> {
  const checkpointPath = requiredCheckpoint(target, 'Delete Checkpoint');
  const holder = await readLockHolder(`${checkpointPath}.lock`);
  if (holder?.live) {
    void vscode.window.showErrorMessage(`${checkpointPath} is in use by process ${holder.pid} on ${holder.host}: stop that run before deleting its checkpoint.`);
    return false;
  }
  const choice = await vscode.window.showWarningMessage(
    `Delete the checkpoint ${path.basename(checkpointPath)}?`,
    { modal: true, detail: `${checkpointPath}\nIts job starts over on its next run: every video is processed again. Results and frames already written stay.` },
    'Delete',
  );
  if (choice !== 'Delete') return false;
  await deleteCheckpoint(checkpointPath);
  await runs.refresh();
  return true;
}

/** A command that shows its failure to the user (with the reason, e.g. the run holding the checkpoint) instead of failing silently. */
function registered(command: string, handler: (...args: unknown[]) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(command, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(errorText(error));
      return undefined;
    }
  });
}

/** The runs view's item commands; each takes a view item or a checkpoint path. */
export function registerRunCommands(runs: RunsTreeProvider): vscode.Disposable {
  return vscode.Disposable.from(
    registered('videoBatchKernel.refreshRuns', () => runs.refresh()),
    registered('videoBatchKernel.retryFailed', (target) => retryFailed(runs, target)),
    registered('videoBatchKernel.exportFailures', (target, destination) => exportFailures(target, destination)),
    registered('videoBatchKernel.openResults', (target, which) => openResults(target, which)),
    registered('videoBatchKernel.revealOutputs', (target) => revealOutputs(target)),
    registered('videoBatchKernel.deleteCheckpoint', (target) => deleteWithConfirmation(runs, target)),
  );
}
