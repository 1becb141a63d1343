import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { askProcessingPlan } from '../datasetNotebook/askProcessingPlan';
import type { ProcessingPlan, ProcessingPlanAnswers } from '../datasetNotebook/processingPlan';
import { processingNotebook } from '../datasetNotebook/processingNotebook';
import { runCellsWithController } from '../notebook/runCells';

/** `videos.csv` -> `videos-keyframes.ipynb` beside it, or `videos-keyframes-2.ipynb` when taken. */
function newNotebookPath(plan: ProcessingPlan): string {
  const csv = path.parse(plan.csvPath);
  for (let attempt = 1; ; attempt++) {
    const candidate = path.join(csv.dir, `${csv.name}-${plan.processing}${attempt > 1 ? `-${attempt}` : ''}.ipynb`);
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * "Process Video Dataset": asks what to do with a CSV of videos, writes a notebook beside it whose
 * cells do that with the library, opens it and runs it. Invoked from the explorer, the first
 * argument is the CSV; a second argument may hold answers to skip their questions.
 */
export function registerProcessDatasetCommand(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.processDataset', async (csv?: vscode.Uri, answers: ProcessingPlanAnswers = {}) => {
    try {
      const plan = await askProcessingPlan(csv instanceof vscode.Uri ? { ...answers, csvPath: csv.fsPath } : answers);
      if (!plan) return undefined;
      const notebookPath = newNotebookPath(plan);
      await writeFile(notebookPath, processingNotebook(plan, notebookPath), { flag: 'wx' });
      log.info(`Process Video Dataset: wrote ${notebookPath} for ${plan.csvPath}`);
      const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebookPath));
      if (!vscode.workspace.isTrusted) {
        await vscode.window.showNotebookDocument(notebook);
        void vscode.window.showWarningMessage('The notebook is written but not run: this workspace is not trusted.');
        return notebookPath;
      }
      await runCellsWithController(notebook, 0, notebook.cellCount);
      return notebookPath;
    } catch (error) {
      log.error(`Process Video Dataset: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Process Video Dataset: ${(error as Error).message}`);
      return undefined;
    }
  });
}
