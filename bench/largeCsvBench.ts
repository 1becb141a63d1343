/**
 * A large CSV through the engine: the per-row cost of reading, checkpointing, resuming and writing
 * the results files, with a processing function that opens no video (`noop`) or the metadata
 * built-in (`metadata`, a real open and probe per row in the workers). Run as its own process per
 * size, so peak memory is its own.
 * Usage: node out/bench/largeCsvBench.js ROWS noop|metadata WORK_DIR VIDEO_FILE...  -> one JSON line (LargeCsvRun).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { once } from 'node:events';
import type * as Library from '../kernel/src/index';
import { processTreeRssBytes } from './processTreeMemory';

export type LargeCsvFunction = 'noop' | 'metadata';

export interface LargeCsvPhase {
  seconds: number;
  rowsPerSecond: number;
  /** Highest resident memory of the run's process and its workers together (sampled). */
  peakTreeRssMiB: number;
  processed: number;
  skipped: number;
  /** Seconds spent rewriting processing_results.json during the run and at its end. */
  jsonSeconds: number;
  /** Seconds writing processing_results.parquet at the end. */
  parquetSeconds: number;
}

export interface LargeCsvRun {
  rows: number;
  fn: LargeCsvFunction;
  first: LargeCsvPhase;
  resume: LargeCsvPhase;
}

const MIB = 1024 * 1024;
const SAMPLE_MS = 50;

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

type Processor = InstanceType<typeof Library.BatchVideoProcessor>;

async function measure(rows: number, processor: Processor, work: () => Promise<{ processed: number; skipped: number }>): Promise<LargeCsvPhase> {
  let peakTree = 0;
  const sample = () => (peakTree = Math.max(peakTree, processTreeRssBytes()));
  const writes = { json: 0, parquet: 0 };
  processor.on('resultsWritten', ({ file, seconds }) => {
    if (file.endsWith('.json') && !file.endsWith('stats.json')) writes.json += seconds;
    if (file.endsWith('.parquet')) writes.parquet += seconds;
  });
  const sampler = setInterval(sample, SAMPLE_MS);
  const started = performance.now();
  try {
    const counts = await work();
    const seconds = (performance.now() - started) / 1000;
    sample();
    return { seconds, rowsPerSecond: rows / seconds, peakTreeRssMiB: peakTree / MIB, ...counts, jsonSeconds: writes.json, parquetSeconds: writes.parquet };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const [rowsText, fn, workDir, ...videos] = process.argv.slice(2) as [string, LargeCsvFunction, string, ...string[]];
  const rows = Number(rowsText);
  // The bundle, as users load it: a path known only at run time, so require, not import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BatchVideoProcessor, DecoderConfig, builtins } = require(path.resolve(__dirname, '..', '..', 'dist', 'index.js')) as typeof Library;
  const name = `rows-${rows}-${fn}`;
  const csvPath = path.join(workDir, `${name}.csv`);
  const checkpointPath = path.join(workDir, `${name}.checkpoint.json`);
  const outputDir = path.join(workDir, `${name}-out`);
  for (const stale of [csvPath, checkpointPath, `${checkpointPath}.journal`, outputDir]) await rm(stale, { recursive: true, force: true });
  await writeCsv(csvPath, rows, videos);
  const phase = () => {
    const processor = new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 2, checkpointPath });
    const processFn = fn === 'metadata' ? builtins.metadata() : () => ({});
    return measure(rows, processor, async () => {
      const results = await processor.processDataset({ csvPath, videoCol: 'video_path', idCol: 'video_id', processFn, outputDir, saveInterval: 100 });
      return { processed: results.stats.processed, skipped: results.stats.skipped };
    });
  };
  const first = await phase();
  const resume = await phase();
  const result: LargeCsvRun = { rows, fn, first, resume };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const done of [csvPath, checkpointPath, `${checkpointPath}.journal`, outputDir]) await rm(done, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
