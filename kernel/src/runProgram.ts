import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { howProcessEnded } from './processes';

const STDERR_LINES_QUOTED = 6;

export interface ProgramRun {
  args: string[];
  /** Text written to the program's standard input (none: an empty, closed input). */
  stdin?: string;
}

/**
 * Runs a program with an argument array, never a shell (file names are data), and returns its
 * standard output. A failure names `what` was being done and quotes the program's last stderr lines.
 */
export async function runProgram(program: string, run: ProgramRun, what: string): Promise<Buffer> {
  return (await runProgramOutputs(program, run, what)).stdout;
}

/** `runProgram`, answering also what a successful run said on stderr (warnings, decode errors it survived). */
export function runProgramOutputs(program: string, { args, stdin }: ProgramRun, what: string): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // A program that fails before reading its input closes the pipe: its exit status tells why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`${what}: cannot run ${program}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout: Buffer.concat(chunks), stderr });
      const tail = stderr.trim().split('\n').slice(-STDERR_LINES_QUOTED).join(' | ');
      reject(new Error(`${what}: ${path.basename(program)} ${howProcessEnded(code, signal)}${tail ? `: ${tail}` : ''}`));
    });
  });
}
