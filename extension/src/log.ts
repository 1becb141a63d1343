import * as vscode from 'vscode';

/**
 * The "Video Batch Kernel" output channel: kernel starts and deaths, the decoding command lines and
 * fallbacks the kernel reports, and errors. A LogOutputChannel, so the user picks the level.
 */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Video Batch Kernel', { log: true });
}
