/**
 * npm run bench [-- --quick] [-- --runs N] [-- --skip-large]
 * Frame-exact 16-frame extraction (224 px JPEGs, 2 workers) over a generated dataset by this engine
 * and by the usual alternatives, all in one run, every frame checked by the index stamped into it;
 * then a large CSV with a no-op processing function (per-row cost, memory, resume).
 * Figures go to stdout and to bench/data/results.json.
 */
import { writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { findOnPath } from '../kernel/src/pathLookup';
import { ensureDataset } from './benchDataset';
import { formatExtraction, runExtractionBenchmark, type ExtractionResult } from './extractionBenchmark';
import type { ExtractionSettings } from './extractionMethods';
import { formatLargeCsv, runLargeCsvBenchmark, type LargeCsvResult } from './largeCsvBenchmark';

const DATA = path.resolve(__dirname, '..', '..', 'bench', 'data');
/** Debian's interpreter: python3-av and python3-pil are its packages, not a virtualenv's. */
const PYTHON = '/usr/bin/python3';

interface BenchOptions {
  quick: boolean;
  runs: number;
  skipLarge: boolean;
}

function parseOptions(args: string[]): BenchOptions {
  const quick = args.includes('--quick');
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs wants a whole number >= 1, got ${args[at + 1]}`);
  return { quick, runs, skipLarge: args.includes('--skip-large') };
}

function requireProgram(name: string): string {
  const found = findOnPath(name);
  if (!found) throw new Error(`the benchmark needs ${name} on PATH (Debian: apt-get install ffmpeg)`);
  return found;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const settings: ExtractionSettings = { numFrames: 16, size: 224, workers: 2, ffmpeg: requireProgram('ffmpeg'), python: PYTHON };
  const dataset = await ensureDataset(DATA, options.quick, requireProgram('ffprobe'), log);
  const loadBefore = os.loadavg();
  const extraction: ExtractionResult = await runExtractionBenchmark(dataset, path.join(DATA, 'runs'), settings, options.runs, log);
  const report = [formatExtraction(extraction)];
  let largeCsv: LargeCsvResult | undefined;
  if (!options.skipLarge) {
    // The sizes: 100k and a million rows, a function that opens no video and the metadata built-in.
    const plan = options.quick ? { noop: [20_000, 100_000], metadata: [2_000, 10_000] } : { noop: [100_000, 1_000_000], metadata: [100_000, 1_000_000] };
    largeCsv = await runLargeCsvBenchmark(plan, DATA, dataset.videos.slice(0, 3).map((video) => video.path), log);
    report.push(formatLargeCsv(largeCsv));
  }
  const machine = { cpus: os.availableParallelism(), node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() };
  report.push(`Load average before/after (1 min): ${loadBefore[0].toFixed(1)} / ${machine.loadAverageAfter[0].toFixed(1)} on ${machine.cpus} CPUs`);
  const resultsPath = path.join(DATA, options.quick ? 'results-quick.json' : 'results.json');
  await writeFile(resultsPath, JSON.stringify({ date: new Date().toISOString(), options, machine, extraction, largeCsv }, null, 2));
  process.stdout.write(`\n${report.join('\n\n')}\n(written to ${resultsPath})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
