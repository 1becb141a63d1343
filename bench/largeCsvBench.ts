/**
 * A large CSV through the engine with a processing function that opens no video: the per-row cost
 * of reading, checkpointing and resuming. Run as its own process per size, so peak memory is its own.
 * Usage: node out/bench/largeCsvBench.js ROWS VIDEO_FILE WORK_DIR  -> one JSON line.
 */
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type * as Library from '../kernel/src/index';

async function main(): Promise<void> {
  const [rowsText, video, workDir] = process.argv.slice(2);
  const rows = Number(rowsText);
  // The bundle, as users load it.
  const { BatchVideoProcessor, DecoderConfig } = require(path.resolve(__dirname, '..', '..', 'dist', 'index.js')) as typeof Library;
  const csvPath = path.join(workDir, `rows-${rows}.csv`);
  const checkpointPath = path.join(workDir, `rows-${rows}.checkpoint.json`);
  const outputDir = path.join(workDir, `rows-${rows}-out`);
  await rm(`${checkpointPath}.journal`, { force: true });
  await rm(checkpointPath, { force: true });
  const lines = ['video_id,video_path'];
  for (let i = 0; i < rows; i++) lines.push(`row${i},${video}`);
  await writeFile(csvPath, lines.join('\n') + '\n');
  const run = async () => {
    const processor = new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 2, checkpointPath });
    const started = performance.now();
    const results = await processor.processDataset({ csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: () => ({}), outputDir, saveInterval: 100 });
    return { seconds: (performance.now() - started) / 1000, stats: results.stats };
  };
  const first = await run();
  const resumed = await run();
  process.stdout.write(
    `${JSON.stringify({
      rows,
      seconds: first.seconds,
      rowsPerSecond: rows / first.seconds,
      processed: first.stats.processed,
      resumeSeconds: resumed.seconds,
      resumeSkipped: resumed.stats.skipped,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
