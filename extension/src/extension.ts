import * as vscode from 'vscode';
import { registerDoctorCommand } from './commands/doctor';
import { registerOpenSampleNotebookCommand } from './commands/openSampleNotebook';
import { registerProcessDatasetCommand } from './commands/processDataset';
import { registerRestartKernelCommand } from './commands/restartKernel';
import { registerResumeCommand } from './commands/resume';
import { createLog } from './log';
import { NotebookSessions } from './notebook/notebookSessions';
import { registerKernelLanguageFeatures } from './notebook/kernelLanguageFeatures';
import { registerKeyframesPaging } from './notebook/keyframesPaging';
import { registerRunCommands } from './runsView/runCommands';
import type { RunsViewNode } from './runsView/runNodes';
import { RUNS_VIEW_ID, RunsTreeProvider } from './runsView/runsTreeProvider';
import { affectsKernelSettings } from './settings';
import { JobStatusItem } from './statusBar/jobStatusItem';

/** What the extension's tests reach through `activate`'s return value. */
export interface VideoBatchKernelApi {
  notebooks: NotebookSessions;
  jobStatus: JobStatusItem;
  runs: RunsTreeProvider;
  runsView: vscode.TreeView<RunsViewNode>;
}

export function activate(context: vscode.ExtensionContext): VideoBatchKernelApi {
  const log = createLog();
  const notebooks = new NotebookSessions(log);
  const jobStatus = new JobStatusItem(notebooks);
  const runs = new RunsTreeProvider();
  const runsView = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: runs });
  context.subscriptions.push(
    runs,
    runsView,
    registerRunCommands(runs),
    log,
    notebooks,
    jobStatus,
    registerKernelLanguageFeatures(notebooks),
    registerKeyframesPaging(notebooks, log),
    registerProcessDatasetCommand(log),
    registerResumeCommand(jobStatus, log),
    registerRestartKernelCommand(notebooks),
    registerOpenSampleNotebookCommand(context, log),
    registerDoctorCommand(context, log),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsKernelSettings(event) && notebooks.allSessions.length > 0) log.info('settings changed: running kernels use them after a restart');
    }),
  );
  log.info(`activated in VS Code ${vscode.version}; workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted: no cell runs'}`);
  return { notebooks, jobStatus, runs, runsView };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
