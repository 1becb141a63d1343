import { mkdir, readdir, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { jpegFileName, jpegQscale } from '../kernel/src/decode/jpegFiles';
import { uniformIndices } from '../kernel/src/video/frameSampling';
import { outputSize } from '../kernel/src/video/outputSize';
import type { BenchDataset, BenchVideo } from './benchDataset';
import { runEngine, runPyavScript, type EngineBackend } from './engineRuns';
import { forEachConcurrently, runProgram } from './processRunner';

export interface ExtractionSettings {
  numFrames: number;
  size: number;
  workers: number;
  ffmpeg: string;
  python: string;
}

/** Where each method put each video's JPEGs: video id -> frame index -> file. */
export type ExtractedFrames = Map<string, Map<number, string>>;

export interface ExtractionMethod {
  name: string;
  run(dataset: BenchDataset, outDir: string, settings: ExtractionSettings): Promise<ExtractedFrames>;
}

const QUALITY = 90;

function wantedFrames(video: BenchVideo, settings: ExtractionSettings): number[] {
  return [...new Set(uniformIndices(video.frameCount, settings.numFrames))];
}

function engine(backend: EngineBackend): ExtractionMethod {
  return {
    name: `this engine, ${backend} backend`,
    async run(dataset, outDir, settings) {
      const results = await runEngine(dataset.csvPath, outDir, settings, backend, ['--fn', 'keyframes', '--num-frames', String(settings.numFrames)]);
      return new Map([...results].map(([id, result]) => [id, new Map((result?.frames ?? []).map((frame) => [frame.index, frame.path]))]));
    },
  };
}

/** One ffmpeg per video: decode everything, keep the wanted frame numbers with select. */
const naivePass: ExtractionMethod = {
  name: 'ffmpeg, naive single pass (select)',
  async run(dataset, outDir, settings) {
    const extracted: ExtractedFrames = new Map();
    await forEachConcurrently(dataset.videos, settings.workers, async (video) => {
      const wanted = wantedFrames(video, settings);
      const size = outputSize(video.width, video.height, settings.size);
      const dir = path.join(outDir, video.id);
      await mkdir(dir, { recursive: true });
      await runProgram(settings.ffmpeg, [
        '-hide_banner', '-loglevel', 'error', '-threads', '1', '-i', `file:${video.path}`,
        '-vf', `select='${wanted.map((n) => `eq(n\\,${n})`).join('+')}',scale=${size.width}:${size.height}:flags=bicubic`,
        '-fps_mode', 'passthrough', '-q:v', String(jpegQscale(QUALITY)), '-f', 'image2', `file:${path.join(dir, 'out_%06d.jpg')}`,
      ]);
      const files = new Map<number, string>();
      for (const [order, index] of wanted.entries()) {
        const file = path.join(dir, jpegFileName(index));
        await rename(path.join(dir, `out_${String(order + 1).padStart(6, '0')}.jpg`), file);
        files.set(index, file);
      }
      extracted.set(video.id, files);
    });
    return extracted;
  },
};

/** One ffmpeg process per frame, seeking to its time (accurate seek: decodes from the keyframe). */
const processPerFrame: ExtractionMethod = {
  name: 'ffmpeg, one process per frame (-ss)',
  async run(dataset, outDir, settings) {
    const extracted: ExtractedFrames = new Map();
    const jobs = dataset.videos.flatMap((video) => wantedFrames(video, settings).map((index) => ({ video, index })));
    for (const video of dataset.videos) {
      extracted.set(video.id, new Map());
      await mkdir(path.join(outDir, video.id), { recursive: true });
    }
    await forEachConcurrently(jobs, settings.workers, async ({ video, index }) => {
      const size = outputSize(video.width, video.height, settings.size);
      // Halfway from the previous frame: the first frame at or after that time is the wanted one, whatever the rounding.
      const time = index > 0 ? (video.timestamps[index - 1] + video.timestamps[index]) / 2 : 0;
      const file = path.join(outDir, video.id, jpegFileName(index));
      await runProgram(settings.ffmpeg, [
        '-hide_banner', '-loglevel', 'error', '-threads', '1', '-ss', time.toFixed(6), '-i', `file:${video.path}`,
        '-frames:v', '1', '-vf', `scale=${size.width}:${size.height}:flags=bicubic`, '-q:v', String(jpegQscale(QUALITY)), '-y', `file:${file}`,
      ]);
      extracted.get(video.id)!.set(index, file);
    });
    return extracted;
  },
};

/** The frame-exact PyAV script, in `workers` processes over parts of the list. */
const pyavScript: ExtractionMethod = {
  name: 'PyAV script, frame-exact',
  async run(dataset, outDir, settings) {
    await runPyavScript(dataset.videos, settings, [outDir, String(settings.numFrames), String(settings.size)]);
    const extracted: ExtractedFrames = new Map();
    for (const video of dataset.videos) {
      const dir = path.join(outDir, path.parse(video.path).name);
      const files = await readdir(dir);
      extracted.set(video.id, new Map(files.map((file) => [Number(file.match(/frame_(\d+)/)![1]), path.join(dir, file)])));
    }
    return extracted;
  },
};

export const EXTRACTION_METHODS: ExtractionMethod[] = [engine('libav'), engine('ffmpeg'), naivePass, processPerFrame, pyavScript];
/** Where per-video overhead decides: the engine's default backend against the expert script. */
export const SHORT_CLIP_METHODS: ExtractionMethod[] = [engine('libav'), pyavScript];
