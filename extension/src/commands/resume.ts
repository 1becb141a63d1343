import * as vscode from 'vscode';

export function registerResumeCommand(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.resume', async () => {
    log.info('Resume Video Processing');
  });
}
