import * as path from 'node:path';
import { runProgram as runProgramOutput } from '../kernel/src/runProgram';

/** Runs a program with an argument array and returns its output as text. */
export async function runProgram(program: string, args: string[]): Promise<string> {
  return (await runProgramOutput(program, { args }, `${path.basename(program)} ${args.slice(0, 3).join(' ')}…`)).toString('utf8');
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
