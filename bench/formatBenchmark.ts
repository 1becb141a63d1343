/**
 * Keyframes of many short clips into the two output formats, timed in the same run: JPEG folders
 * (`--format files`) against WebDataset tar shards (`--format webdataset`), through the CLI.
 */
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import * as path from 'node:path';
import { runProgram } from './processRunner';

const FORMATS = ['files', 'webdataset'] as const;
type Format = (typeof FORMATS)[number];

export interface FormatRun {
  format: Format;
  seconds: number;
  /** Files under the output folder, and their bytes (what a file system and a loader must handle). */
  files: number;
  megabytes: number;
}

export interface FormatResult {
  videos: number;
  runs: FormatRun[];
  /** webdataset seconds over files seconds. */
  ratio: number;
}

async function writeCsv(csvPath: string, rows: number, clips: readonly string[]): Promise<void> {
  const out = createWriteStream(csvPath);
  out.write('video_id,video_path\n');
  for (let i = 0; i < rows; i++) out.write(`clip-${i},${clips[i % clips.length]}\n`);
  out.end();
  await once(out, 'finish');
}

function outputSize(dir: string): { files: number; megabytes: number } {
  const files = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).map((name) => path.join(dir, name)).filter((file) => statSync(file).isFile());
  return { files: files.length, megabytes: files.reduce((sum, file) => sum + statSync(file).size, 0) / 2 ** 20 };
}

export async function runFormatBenchmark(clips: readonly string[], workDir: string, videos: number, log: (line: string) => void): Promise<FormatResult> {
  const dir = path.join(workDir, 'formats');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const csvPath = path.join(dir, 'videos.csv');
  await writeCsv(csvPath, videos, clips);
  const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
  const runs: FormatRun[] = [];
  for (const format of FORMATS) {
    log(`formats: ${videos} videos into ${format}`);
    const out = path.join(dir, format);
    const started = performance.now();
    await runProgram(process.execPath, [
      cli, 'process', csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'keyframes', '--num-frames', '16', '--size', '224',
      '--workers', '2', '--device', 'cpu', '--out', out, '--checkpoint', path.join(dir, `${format}.checkpoint.json`), '--format', format,
    ]);
    runs.push({ format, seconds: (performance.now() - started) / 1000, ...outputSize(out) });
  }
  await rm(dir, { recursive: true, force: true });
  const [files, webdataset] = runs;
  return { videos, runs, ratio: webdataset.seconds / files.seconds };
}

export function formatFormats(result: FormatResult): string {
  return [
    `Keyframes (16 at 224 px, 2 workers) of ${result.videos} short clips, by output format:`,
    ...result.runs.map((run) => `  ${run.format.padEnd(10)} ${run.seconds.toFixed(1)} s, ${run.files} files, ${run.megabytes.toFixed(0)} MB`),
    `  webdataset / files: ${result.ratio.toFixed(2)}x`,
  ].join('\n');
}
