import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProcessingRecord } from '../../kernel/src/index';

/** The bundled CLI, as users run it. */
export const CLI_SCRIPT = path.resolve(__dirname, '../../../dist/cli.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliStartOptions {
  cwd?: string;
  /** Its own process group (pgid = its pid), so a test can tell whether anything it started outlives it. */
  detached?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function startCli(args: string[], options: CliStartOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { cwd: options.cwd, detached: options.detached, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], options: CliStartOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

export function readResults(outputDir: string): ProcessingRecord[] {
  return JSON.parse(readFileSync(path.join(outputDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
}

/** A record without its timing and paths, which differ between two runs of the same job. */
export function comparable(record: ProcessingRecord): unknown {
  const result = record.result as { frames?: { index: number; timestamp: number }[] } | undefined;
  return { id: record.id, status: record.status, frames: result?.frames?.map((frame) => [frame.index, frame.timestamp]), error: record.error?.replace(/\/tmp\/[^ ]+\//g, '') };
}

/** The checkpoint journal's lines, parsed (one per recorded outcome). */
export function journalEntries(checkpointPath: string): { row: number; record: ProcessingRecord }[] {
  const journal = `${checkpointPath}.journal`;
  if (!existsSync(journal)) return [];
  return readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { row: number; record: ProcessingRecord });
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
