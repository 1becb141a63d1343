import { spawn } from 'node:child_process';
import { processTreeRssBytes } from './processTreeMemory';

const SAMPLE_MS = 50;
const MIB = 2 ** 20;

/** One program's run: its wall time, the peak memory of its process tree, its exit and output. */
export interface TimedRun {
  seconds: number;
  peakTreeRssMiB: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Seconds from the start to the first stderr line matching `mark`, when asked for. */
  markSeconds?: number;
}

/** Runs a program (an argument array, never a shell), sampling the resident memory of it and its children. */
export function timedChild(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; mark?: RegExp } = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(program, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let peak = 0;
    let stdout = '';
    let stderr = '';
    let markSeconds: number | undefined;
    const sampler = setInterval(() => (peak = Math.max(peak, processTreeRssBytes(child.pid))), SAMPLE_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (markSeconds === undefined && options.mark?.test(stderr)) markSeconds = (performance.now() - started) / 1000;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      resolve({ seconds: (performance.now() - started) / 1000, peakTreeRssMiB: peak / MIB, code, stdout, stderr, ...(markSeconds === undefined ? {} : { markSeconds }) });
    });
  });
}

/** The run, or an error with its output when it did not exit 0. */
export async function succeeded(run: Promise<TimedRun>, what: string): Promise<TimedRun> {
  const done = await run;
  if (done.code !== 0) throw new Error(`${what} exited ${done.code}: ${done.stderr.slice(-2000)}`);
  return done;
}
