import * as vscode from 'vscode';
import { registerDoctorCommand } from './commands/doctor';
import { registerOpenSampleNotebookCommand } from './commands/openSampleNotebook';
import { registerProcessDatasetCommand } from './commands/processDataset';
import { registerRestartKernelCommand } from './commands/restartKernel';
import { registerResumeCommand } from './commands/resume';
import { createLog } from './log';
import { KernelController } from './notebook/kernelController';
import { registerKernelLanguageFeatures } from './notebook/kernelLanguageFeatures';
import { registerKeyframesPaging } from './notebook/keyframesPaging';
import { affectsKernelSettings } from './settings';
import { JobStatusItem } from './statusBar/jobStatusItem';

/** What the extension's tests reach through `activate`'s return value. */
export interface VideoBatchKernelApi {
  kernels: KernelController;
  jobStatus: JobStatusItem;
}

export function activate(context: vscode.ExtensionContext): VideoBatchKernelApi {
  const log = createLog();
  const kernels = new KernelController(log);
  const jobStatus = new JobStatusItem(kernels);
  context.subscriptions.push(
    log,
    kernels,
    jobStatus,
    registerKernelLanguageFeatures(kernels),
    registerKeyframesPaging(kernels, log),
    registerProcessDatasetCommand(log),
    registerResumeCommand(jobStatus, log),
    registerRestartKernelCommand(kernels),
    registerOpenSampleNotebookCommand(context, log),
    registerDoctorCommand(context, log),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsKernelSettings(event) && kernels.allSessions.length > 0) log.info('settings changed: running kernels use them after a restart');
    }),
  );
  log.info(`activated in VS Code ${vscode.version}; workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted: no cell runs'}`);
  return { kernels, jobStatus };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
