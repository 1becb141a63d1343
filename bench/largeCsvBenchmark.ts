/** Runs largeCsvBench.js once per CSV size and function, each in a fresh process, and lays the figures side by side. */
import * as path from 'node:path';
import type { LargeCsvFunction, LargeCsvPhase, LargeCsvRun } from './largeCsvBench';
import { runProgram } from './processRunner';

/** The targets for a million rows, next to which the figures are printed. */
const TARGETS = { peakTreeRssMiB: 300, rssGrowth: 1.2, perRowGrowth: 1.2, resumeSeconds: 10, parquetSeconds: 60 };

export interface LargeCsvComparison {
  fn: LargeCsvFunction;
  runs: LargeCsvRun[];
  /** µs per row at the largest size over µs per row at the smallest: 1 means the per-row cost is flat. */
  perRowGrowth: number;
  /** Peak memory of the process tree at the largest size over that at the smallest. */
  rssGrowth: number;
}

export interface LargeCsvResult {
  comparisons: LargeCsvComparison[];
}

const peak = (run: LargeCsvRun) => Math.max(run.first.peakTreeRssMiB, run.resume.peakTreeRssMiB);

export async function runLargeCsvBenchmark(plan: Record<LargeCsvFunction, number[]>, workDir: string, videos: string[], log: (line: string) => void): Promise<LargeCsvResult> {
  const comparisons: LargeCsvComparison[] = [];
  for (const [fn, sizes] of Object.entries(plan) as [LargeCsvFunction, number[]][]) {
    if (sizes.length === 0) continue;
    const runs: LargeCsvRun[] = [];
    for (const rows of sizes) {
      log(`large CSV: ${rows} rows, ${fn}`);
      const output = await runProgram(process.execPath, [path.join(__dirname, 'largeCsvBench.js'), String(rows), fn, workDir, ...videos]);
      runs.push(JSON.parse(output) as LargeCsvRun);
    }
    const [small, large] = [runs[0], runs[runs.length - 1]];
    const perRow = (run: LargeCsvRun) => run.first.seconds / run.rows;
    comparisons.push({ fn, runs, perRowGrowth: perRow(large) / perRow(small), rssGrowth: peak(large) / peak(small) });
  }
  return { comparisons };
}

function phaseText(phase: LargeCsvPhase, rows: number): string {
  const share = phase.seconds > 0 ? (100 * phase.jsonSeconds) / phase.seconds : 0;
  return (
    `${phase.seconds.toFixed(1)} s, ${phase.rowsPerSecond.toFixed(0)} rows/s (${((phase.seconds / rows) * 1e6).toFixed(0)} µs/row), ` +
    `peak RSS of the process tree ${phase.peakTreeRssMiB.toFixed(0)} MiB, processing_results.json ${phase.jsonSeconds.toFixed(1)} s (${share.toFixed(1)}% of the run), ` +
    `.parquet ${phase.parquetSeconds.toFixed(1)} s`
  );
}

export function formatLargeCsv(result: LargeCsvResult): string {
  const lines = ['Large CSV over a few real clips (2 workers, checkpoint and results files written):'];
  for (const comparison of result.comparisons) {
    lines.push(`  ${comparison.fn === 'noop' ? 'a function that opens no video' : 'builtins.metadata()'}:`);
    for (const run of comparison.runs) {
      lines.push(`    ${String(run.rows).padStart(8)} rows: ${phaseText(run.first, run.rows)}`);
      lines.push(`    ${''.padStart(8)}       resume skipping all ${run.resume.skipped}: ${run.resume.seconds.toFixed(2)} s, peak RSS ${run.resume.peakTreeRssMiB.toFixed(0)} MiB`);
    }
    const largest = comparison.runs[comparison.runs.length - 1];
    lines.push(
      `    largest over smallest: per-row time ${comparison.perRowGrowth.toFixed(2)}x (target <= ${TARGETS.perRowGrowth}x), ` +
        `peak RSS ${comparison.rssGrowth.toFixed(2)}x (target <= ${TARGETS.rssGrowth}x); at ${largest.rows} rows: peak ${peak(largest).toFixed(0)} MiB ` +
        `(target < ${TARGETS.peakTreeRssMiB}), resume ${largest.resume.seconds.toFixed(1)} s (target < ${TARGETS.resumeSeconds}), ` +
        `parquet ${largest.first.parquetSeconds.toFixed(1)} s (target < ${TARGETS.parquetSeconds})`,
    );
  }
  return lines.join('\n');
}
