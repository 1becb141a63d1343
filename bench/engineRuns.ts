/**
 * The two programs every benchmark part runs: this engine's CLI (`process` over a CSV) and the
 * PyAV script in one of its modes, each returning what it extracted per video.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProcessingRecord } from '../kernel/src/checkpoint/processingRecord';
import type { BenchVideo } from './benchDataset';
import { runProgram } from './processRunner';

export interface RunSettings {
  size: number;
  workers: number;
  python: string;
}

export type EngineBackend = 'libav' | 'ffmpeg';

/** The part of a built-in's result the benchmarks compare: its frames, and a scenes record's shots. */
export interface EngineResult {
  frames: { index: number; path: string }[];
  scenes?: { start_frame: number }[];
}

/** What the PyAV script printed for one video: the frames it wrote and, in scenes mode, its cuts. */
export interface PyavVideoResult {
  video: string;
  frames: number[];
  cuts?: number[];
  seconds: number;
}

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const PYAV_SCRIPT = path.resolve(__dirname, '..', '..', 'bench', 'pyav_extract.py');

/**
 * `process` over `csvPath` on the CPU with `fnArgs` (`--fn` and its options), JPEGs at the settings'
 * size; each row's result by id, undefined where the row failed (its frames then count as missing).
 */
export async function runEngine(csvPath: string, outDir: string, settings: RunSettings, backend: EngineBackend, fnArgs: string[]): Promise<Map<string, EngineResult | undefined>> {
  await runProgram(process.execPath, [
    CLI, 'process', csvPath, '--video-col', 'video_path', '--id-col', 'video_id', ...fnArgs, '--size', String(settings.size),
    '--out', outDir, '--workers', String(settings.workers), '--backend', backend, '--device', 'cpu', '--checkpoint', path.join(outDir, 'checkpoint.json'),
  ]);
  const records = JSON.parse(readFileSync(path.join(outDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[];
  return new Map(records.map((record) => [record.id, record.status === 'processed' ? (record.result as EngineResult) : undefined]));
}

/**
 * `videos` in `count` parts of about equal work (pixels decoded), the largest placed first each on
 * the lightest part: a split by position could give one process all the large videos, and the
 * script's time would then be its slowest part's.
 */
function balancedParts(videos: readonly BenchVideo[], count: number): BenchVideo[][] {
  const work = (video: BenchVideo) => video.frameCount * video.width * video.height;
  const parts = Array.from({ length: count }, () => ({ videos: [] as BenchVideo[], work: 0 }));
  for (const video of [...videos].sort((a, b) => work(b) - work(a))) {
    const lightest = parts.reduce((best, part) => (part.work < best.work ? part : best));
    lightest.videos.push(video);
    lightest.work += work(video);
  }
  return parts.map((part) => part.videos);
}

/**
 * The PyAV script over `videos`, in `workers` processes of one decoding thread each, the videos
 * balanced between them; `modeArgs` come before the videos (see the script's usage). Its results by
 * video path.
 */
export async function runPyavScript(videos: readonly BenchVideo[], settings: RunSettings, modeArgs: string[]): Promise<Map<string, PyavVideoResult>> {
  const parts = balancedParts(videos, settings.workers);
  const outputs = await Promise.all(parts.filter((part) => part.length).map((part) => runProgram(settings.python, [PYAV_SCRIPT, ...modeArgs, ...part.map((video) => video.path)])));
  const results = outputs.flatMap((output) => output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PyavVideoResult));
  return new Map(results.map((result) => [result.video, result]));
}
