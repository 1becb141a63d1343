/** Runs largeCsvBench.js once per CSV size, each in a fresh process, and lays the figures side by side. */
import * as path from 'node:path';
import type { LargeCsvRun } from './largeCsvBench';
import { runProgram } from './processRunner';

export interface LargeCsvResult {
  runs: LargeCsvRun[];
  /** µs per row at the largest size over µs per row at the smallest: 1 means the per-row cost is flat. */
  perRowGrowth: number;
  /** Resident memory per row, from the smallest to the largest size (the part that grows with the CSV). */
  rssBytesPerRow: number;
}

export async function runLargeCsvBenchmark(sizes: number[], workDir: string, videos: string[], log: (line: string) => void): Promise<LargeCsvResult> {
  const runs: LargeCsvRun[] = [];
  for (const rows of sizes) {
    log(`large CSV: ${rows} rows`);
    const output = await runProgram(process.execPath, [path.join(__dirname, 'largeCsvBench.js'), String(rows), workDir, ...videos]);
    runs.push(JSON.parse(output) as LargeCsvRun);
  }
  const [small, large] = [runs[0], runs[runs.length - 1]];
  const perRow = (run: LargeCsvRun) => run.first.seconds / run.rows;
  const peak = (run: LargeCsvRun) => Math.max(run.first.peakRssMiB, run.resume.peakRssMiB);
  return {
    runs,
    perRowGrowth: perRow(large) / perRow(small),
    rssBytesPerRow: ((peak(large) - peak(small)) * 1024 * 1024) / (large.rows - small.rows),
  };
}

export function formatLargeCsv(result: LargeCsvResult): string {
  const lines = result.runs.map((run) =>
    [
      `  ${String(run.rows).padStart(7)} rows:`,
      `${run.first.seconds.toFixed(1)} s, ${run.first.rowsPerSecond.toFixed(0)} rows/s (${((run.first.seconds / run.rows) * 1e6).toFixed(0)} µs/row), peak RSS ${run.first.peakRssMiB.toFixed(0)} MiB;`,
      `resume skipping all ${run.resume.skipped}: ${run.resume.seconds.toFixed(2)} s (${run.resume.rowsPerSecond.toFixed(0)} rows/s), peak RSS ${run.resume.peakRssMiB.toFixed(0)} MiB`,
    ].join(' '),
  );
  return [
    'Large CSV, processing function that opens no video (2 workers, checkpoint and results file written):',
    ...lines,
    `  per-row time, largest over smallest CSV: ${result.perRowGrowth.toFixed(2)}x; memory growing with the CSV: ${result.rssBytesPerRow.toFixed(0)} bytes/row`,
  ].join('\n');
}
