import { existsSync, watch } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CellOutput, ExecutionResult } from '../../kernel/src/notebookKernel/kernelProtocol';
import { KernelSession, type KernelSessionOptions } from '../../kernel/src/notebookKernel/kernelSession';

export interface CellRun extends ExecutionResult {
  outputs: CellOutput[];
  /** All stream text of the cell, stdout and stderr in the order written. */
  text: string;
}

/** Runs one cell and collects its outputs. */
export async function runCell(kernel: KernelSession, code: string, onOutput: (output: CellOutput) => void = () => undefined): Promise<CellRun> {
  const outputs: CellOutput[] = [];
  const result = await kernel.execute(code, (output) => {
    outputs.push(output);
    onOutput(output);
  });
  const text = outputs.map((output) => (output.kind === 'stream' ? output.text : '')).join('');
  return { ...result, outputs, text };
}

export interface KernelFixture {
  kernel: KernelSession;
  notebookDir: string;
  notebookPath: string;
  cleanup(): Promise<void>;
}

/** A kernel for a notebook `analysis.ipynb` in a fresh temp folder (or the folder given). */
export async function startKernel(options: Partial<KernelSessionOptions> & { notebookDir?: string } = {}): Promise<KernelFixture> {
  const notebookDir = options.notebookDir ?? await mkdtemp(path.join(os.tmpdir(), 'vbk-notebook-'));
  const notebookPath = path.join(notebookDir, 'analysis.ipynb');
  const kernel = new KernelSession({ notebookPath, ...options });
  await kernel.start();
  return {
    kernel,
    notebookDir,
    notebookPath,
    cleanup: async () => {
      await kernel.stop();
      if (!options.notebookDir) await rm(notebookDir, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once `file` exists: a cell that blocks its event loop cannot send output, so it marks
 * the moment it starts blocking with a file (`writeFileSync` is synchronous), and this watches for it.
 */
export function fileAppears(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(path.dirname(file), () => {
      if (!existsSync(file)) return;
      watcher.close();
      resolve();
    });
    watcher.on('error', reject);
    if (existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}
