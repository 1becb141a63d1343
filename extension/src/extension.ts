import * as vscode from 'vscode';
import { createLog } from './log';
import { registerProcessDatasetCommand } from './commands/processDataset';
import { registerResumeCommand } from './commands/resume';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log);
  context.subscriptions.push(registerProcessDatasetCommand(log), registerResumeCommand(log));
  log.info(`activated (VS Code ${vscode.version})`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
