/**
 * npm run bench:kernel [-- --starts N] [-- --cells N]
 * How long the notebook kernel takes to be ready (process start, tslab's type checker, the
 * library), and the round trip of a trivial cell (`1 + 1`: type-check, run, print), measured from
 * the host through the same IPC the editor uses. Targets: ready < 3 s, a trivial cell < 150 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelSession } from '../kernel/src/notebookKernel/kernelSession';

const READY_TARGET_MS = 3000;
const CELL_TARGET_MS = 150;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function line(label: string, values: readonly number[], target: number): string {
  const median = quantile(values, 0.5);
  return `${label.padEnd(28)} median ${median.toFixed(0).padStart(5)} ms   p90 ${quantile(values, 0.9).toFixed(0).padStart(5)} ms   `
    + `${(median / target).toFixed(2)}x the ${target} ms target`;
}

async function main(): Promise<void> {
  const starts = argument('--starts', 5);
  const cells = argument('--cells', 30);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-kernel-bench-'));
  const readyTimes: number[] = [];
  const cellTimes: number[] = [];
  const firstCellTimes: number[] = [];
  try {
    for (let start = 0; start < starts; start++) {
      const session = new KernelSession({ notebookPath: path.join(dir, 'bench.ipynb') });
      const began = performance.now();
      await session.start();
      readyTimes.push(performance.now() - began);
      for (let cell = 0; cell <= cells; cell++) {
        const sent = performance.now();
        const result = await session.execute('1 + 1', () => undefined);
        if (result.status !== 'ok') throw new Error(`the trivial cell failed: ${result.status}`);
        (cell === 0 ? firstCellTimes : cellTimes).push(performance.now() - sent);
      }
      await session.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`notebook kernel, ${starts} starts, ${cells} trivial cells after the first in each (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`);
  console.log(line('kernel ready', readyTimes, READY_TARGET_MS));
  console.log(line('first cell after start', firstCellTimes, CELL_TARGET_MS));
  console.log(line('trivial cell round trip', cellTimes, CELL_TARGET_MS));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
