import { DecoderConfig, type BackendChoice, type DeviceChoice } from '../config/decoderConfig';
import { chooseRunDevice, describeRunDevice } from '../device/runDevice';
import { DEFAULT_NUM_FRAMES } from '../processingDefaults';
import type { DecodeDevice } from '../video/videoTypes';
import { toleranceFor, type FrameTolerance } from './frameComparison';
import { sampleVideoRows } from './rowSample';
import { seededRandom } from './seededRandom';
import { checkVideo, type VideoCheck } from './videoCheck';
import { DEFAULT_RANDOM_FRAMES, DEFAULT_VERIFY_SAMPLE } from './verifyDefaults';


export interface VerifyOptions {
  csvPath: string;
  videoCol: string;
  idCol?: string;
  /** Videos to check, drawn at random (default 20). */
  sample?: number;
  /** Fixes the draw of videos and frames. */
  seed: number;
  /** Evenly spaced frames per video, the keyframes built-in's (default its 16). */
  uniformFrames?: number;
  randomFrames?: number;
  /** Shorter side to compare at (default: each video's own size). */
  size?: number;
  /** Frames turned upright as each video's display matrix says (default true, as in a run). */
  autorotate?: boolean;
  backend?: BackendChoice;
  device?: DeviceChoice;
  gpuIds?: number[];
  ffmpegPath?: string;
  /** Threads of the reference decoder (default 0: FFmpeg's choice). */
  referenceThreads?: number;
  /** Each video's verdict, as soon as it is known. */
  onVideo?: (check: VideoCheck) => void;
  log?: (line: string) => void;
}

/** A whole check; snake_case, as `verify --json` prints it. */
export interface VerifyReport {
  csv_path: string;
  seed: number;
  /** Data rows of the CSV, and how many of them could be drawn (a path, an id, no repeat). */
  total_rows: number;
  candidate_rows: number;
  backend: BackendChoice;
  device: DecodeDevice;
  /** What a frame may differ by and still be the same frame, for this backend and device. */
  tolerance: FrameTolerance;
  ok: number;
  differs: number;
  failed: number;
  videos: VideoCheck[];
}

/** A seed of its own for each video's frames: a video gets the same frames whatever else is drawn with it. */
function videoSeed(seed: number, rowNumber: number): number {
  return (seed ^ Math.imul(rowNumber, 0x9e3779b1)) >>> 0;
}

/**
 * Checks frame accuracy on a sample of a CSV's videos: draws `sample` rows in one pass (reservoir
 * sampling), then for each video compares the engine's `frames(indices)` with a front-to-back decode
 * of the whole video (see checkVideo), one video after another. Input the check cannot use at all (a
 * missing CSV or column) is thrown as an InputError; a video that cannot be read is a `failed` verdict.
 */
export async function verifyDataset(options: VerifyOptions): Promise<VerifyReport> {
  const config = new DecoderConfig({ device: options.device, backend: options.backend, gpuIds: options.gpuIds, ffmpegPath: options.ffmpegPath, autorotate: options.autorotate });
  const { backend } = config;
  const { rows, totalRows, candidates } = await sampleVideoRows(
    options.csvPath,
    { videoCol: options.videoCol, idCol: options.idCol },
    options.sample ?? DEFAULT_VERIFY_SAMPLE,
    seededRandom(options.seed),
  );
  const requested = config.device;
  const runDevice = await chooseRunDevice(requested, config.gpuIds, config);
  if (requested !== 'cpu') options.log?.(describeRunDevice(runDevice));
  const videos: VideoCheck[] = [];
  for (const row of rows) {
    const check = await checkVideo(row, {
      backend,
      device: runDevice.device,
      // One GPU: this process decodes every video, and a process opens one device (decode/libav/deviceContexts.ts).
      gpuId: runDevice.gpuIds[0] ?? 0,
      ffmpegPath: config.ffmpegPath,
      uniformFrames: options.uniformFrames ?? DEFAULT_NUM_FRAMES,
      randomFrames: options.randomFrames ?? DEFAULT_RANDOM_FRAMES,
      size: options.size,
      autorotate: config.autorotate,
      referenceThreads: options.referenceThreads ?? 0,
      log: options.log,
    }, seededRandom(videoSeed(options.seed, row.rowNumber)));
    videos.push(check);
    options.onVideo?.(check);
  }
  const count = (status: VideoCheck['status']) => videos.filter((check) => check.status === status).length;
  return {
    csv_path: options.csvPath,
    seed: options.seed,
    total_rows: totalRows,
    candidate_rows: candidates,
    backend,
    device: runDevice.device,
    tolerance: toleranceFor(backend, runDevice.device),
    ok: count('ok'),
    differs: count('differs'),
    failed: count('failed'),
    videos,
  };
}
