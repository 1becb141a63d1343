import * as vscode from 'vscode';

export function registerProcessDatasetCommand(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.processDataset', async () => {
    log.info('Process Video Dataset');
  });
}
