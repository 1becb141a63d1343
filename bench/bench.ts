/**
 * npm run bench [-- --quick] [-- --runs N] [-- --skip-large]
 * Frame-exact 16-frame extraction (224 px JPEGs, 2 workers) over a generated dataset by this engine
 * and by the usual alternatives, all in one run, every frame checked by the index stamped into it;
 * then a large CSV with a no-op processing function (per-row cost, memory, resume).
 */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { findOnPath } from '../kernel/src/decode/ffmpegCli/ffmpegBinary';
import { ensureDataset } from './benchDataset';
import { EXTRACTION_METHODS, type ExtractionSettings } from './extractionMethods';
import { checkFrames, type FrameCheck } from './frameCheck';
import { runProgram } from './processRunner';

const ROOT = path.resolve(__dirname, '..', '..', 'bench', 'data');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

async function extractionBenchmark(args: string[]): Promise<string> {
  const quick = args.includes('--quick');
  const runs = option(args, '--runs', quick ? 1 : 3);
  const ffmpeg = findOnPath('ffmpeg');
  if (!ffmpeg) throw new Error('the benchmark needs an ffmpeg program on PATH (Debian: apt-get install ffmpeg)');
  const settings: ExtractionSettings = { numFrames: 16, size: 224, workers: 2, ffmpeg, python: '/usr/bin/python3' };
  const dataset = await ensureDataset(ROOT, quick, (line) => process.stderr.write(`${line}\n`));
  const frames = dataset.videos.reduce((sum, video) => sum + video.frameCount, 0);
  process.stderr.write(`dataset: ${dataset.videos.length} videos, ${frames} frames; ${runs} run(s) per method\n`);
  const timings = new Map<string, number[]>();
  const checks = new Map<string, FrameCheck>();
  for (let run = 0; run < runs; run++) {
    for (const method of EXTRACTION_METHODS) {
      const outDir = path.join(ROOT, 'runs', method.name.replace(/[^a-z0-9]+/gi, '-'));
      await rm(outDir, { recursive: true, force: true });
      const started = performance.now();
      const extracted = await method.run(dataset, outDir, settings).catch((error: unknown) => {
        process.stderr.write(`${method.name}: ${error instanceof Error ? error.message : String(error)}\n`);
        return undefined;
      });
      const seconds = (performance.now() - started) / 1000;
      if (!extracted) continue;
      timings.set(method.name, [...(timings.get(method.name) ?? []), seconds]);
      if (run === 0) checks.set(method.name, await checkFrames(dataset, extracted, settings.numFrames, settings.size));
      process.stderr.write(`run ${run + 1}: ${method.name}: ${seconds.toFixed(2)} s\n`);
    }
  }
  const medians = [...timings].map(([name, values]) => ({ name, seconds: median(values), check: checks.get(name)! }));
  const exact = medians.filter((entry) => entry.check.wrong === 0 && entry.check.missing === 0);
  const fastestExact = Math.min(...exact.map((entry) => entry.seconds));
  const pyav = medians.find((entry) => entry.name.startsWith('PyAV'))?.seconds;
  const rows = medians.map((entry) => [
    entry.name.padEnd(38),
    `${entry.seconds.toFixed(2)} s`.padStart(9),
    (dataset.videos.length / entry.seconds).toFixed(2).padStart(9),
    `${(entry.seconds / fastestExact).toFixed(2)}x`.padStart(10),
    pyav ? `${(entry.seconds / pyav).toFixed(2)}x`.padStart(8) : '       -',
    `${entry.check.wrong + entry.check.missing}/${entry.check.expected}`.padStart(10),
  ].join(' '));
  return [
    `Frame-exact extraction: ${dataset.videos.length} videos (${frames} frames), 16 frames each at 224 px, ${settings.workers} workers, median of ${runs}`,
    `${'method'.padEnd(38)} ${'time'.padStart(9)} ${'videos/s'.padStart(9)} ${'vs fastest'.padStart(10)} ${'vs PyAV'.padStart(8)} ${'wrong'.padStart(10)}`,
    ...rows,
  ].join('\n');
}

async function largeCsvBenchmark(args: string[]): Promise<string> {
  const quick = args.includes('--quick');
  const sizes = quick ? [20_000, 50_000] : [50_000, 200_000];
  const dataset = await ensureDataset(ROOT, true, (line) => process.stderr.write(`${line}\n`));
  const lines = ['Large CSV, processing function that opens no video (2 workers, results file written):'];
  for (const rows of sizes) {
    const output = await runProgram(process.execPath, [path.join(__dirname, 'largeCsvBench.js'), String(rows), dataset.videos[0].path, ROOT]);
    const result = JSON.parse(output) as { rows: number; seconds: number; rowsPerSecond: number; resumeSeconds: number; peakRssMiB: number };
    lines.push(
      `  ${String(rows).padStart(7)} rows: ${result.seconds.toFixed(1)} s (${result.rowsPerSecond.toFixed(0)} rows/s, ${((result.seconds / rows) * 1e6).toFixed(0)} µs/row), ` +
        `resume skipping all: ${result.resumeSeconds.toFixed(1)} s, peak RSS ${result.peakRssMiB.toFixed(0)} MiB`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const report = [await extractionBenchmark(args)];
  if (!args.includes('--skip-large')) report.push(await largeCsvBenchmark(args));
  process.stdout.write(`\n${report.join('\n\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
