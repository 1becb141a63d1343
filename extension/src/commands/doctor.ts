import { fork } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readKernelSettings } from '../settings';

/**
 * "Video Batch Kernel: Doctor": the CLI's `doctor` (versions, decoders, a real decode on the CPU and
 * on each CUDA device, the ffmpeg backend) in the output channel. It runs the bundled CLI in a Node
 * child, so the editor loads no FFmpeg library and a broken GPU driver cannot take it down. Returns
 * the report's text.
 */
export function registerDoctorCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('videoBatchKernel.doctor', async () => {
    const cli = path.join(context.extensionPath, 'dist', 'cli.js');
    const { ffmpegPath } = readKernelSettings();
    const args = ['doctor', ...(ffmpegPath ? ['--ffmpeg', ffmpegPath] : [])];
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Checking what this machine can decode with…' },
      () => runCli(cli, args),
    );
    log.info(`doctor (exit ${report.code}):\n${report.stdout.trimEnd()}${report.stderr.trim() ? `\n${report.stderr.trim()}` : ''}`);
    log.show(true);
    if (report.code !== 0) {
      void vscode.window.showErrorMessage('Video Batch Kernel cannot decode videos on this machine: see the Video Batch Kernel output for why.');
    }
    return report.stdout;
  });
}

interface CliOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** fork, not spawn: the editor's own binary may be Electron, which fork runs as Node. */
function runCli(cli: string, args: string[]): Promise<CliOutput> {
  return new Promise((resolve, reject) => {
    const child = fork(cli, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
