/**
 * A large CSV through the engine with a processing function that opens no video: the per-row cost
 * of reading, checkpointing and resuming. Run as its own process per size, so peak memory is its own.
 * Usage: node out/bench/largeCsvBench.js ROWS WORK_DIR VIDEO_FILE...  -> one JSON line (LargeCsvRun).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { once } from 'node:events';
import type * as Library from '../kernel/src/index';

export interface LargeCsvPhase {
  seconds: number;
  rowsPerSecond: number;
  /** Highest resident memory of this process seen while the phase ran (sampled). */
  peakRssMiB: number;
  peakHeapMiB: number;
  processed: number;
  skipped: number;
}

export interface LargeCsvRun {
  rows: number;
  first: LargeCsvPhase;
  resume: LargeCsvPhase;
  /** The kernel's own high-water mark over the whole process (getrusage). */
  maxRssMiB: number;
}

const MIB = 1024 * 1024;
const SAMPLE_MS = 20;

/** Rows cycle over a few real files; the ids are unique. Streamed so the CSV never sits in memory. */
async function writeCsv(csvPath: string, rows: number, videos: string[]): Promise<void> {
  const out = createWriteStream(csvPath);
  out.write('video_id,video_path\n');
  for (let i = 0; i < rows; i++) {
    if (!out.write(`row${i},${videos[i % videos.length]}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function measure(rows: number, work: () => Promise<{ processed: number; skipped: number }>): Promise<LargeCsvPhase> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const started = performance.now();
  try {
    const counts = await work();
    const seconds = (performance.now() - started) / 1000;
    sample();
    return { seconds, rowsPerSecond: rows / seconds, peakRssMiB: peakRss / MIB, peakHeapMiB: peakHeap / MIB, ...counts };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const [rowsText, workDir, ...videos] = process.argv.slice(2);
  const rows = Number(rowsText);
  // The bundle, as users load it: a path known only at run time, so require, not import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BatchVideoProcessor, DecoderConfig } = require(path.resolve(__dirname, '..', '..', 'dist', 'index.js')) as typeof Library;
  const csvPath = path.join(workDir, `rows-${rows}.csv`);
  const checkpointPath = path.join(workDir, `rows-${rows}.checkpoint.json`);
  const outputDir = path.join(workDir, `rows-${rows}-out`);
  for (const stale of [csvPath, checkpointPath, `${checkpointPath}.journal`, outputDir]) await rm(stale, { recursive: true, force: true });
  await writeCsv(csvPath, rows, videos);
  const run = async () => {
    const processor = new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 2, checkpointPath });
    const results = await processor.processDataset({ csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: () => ({}), outputDir, saveInterval: 100 });
    return { processed: results.stats.processed, skipped: results.stats.skipped };
  };
  const first = await measure(rows, run);
  const resume = await measure(rows, run);
  const result: LargeCsvRun = { rows, first, resume, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
