import type { BackendChoice } from '../config/decoderConfig';
import type { VideoRow } from '../csv/videoRows';
import { openVideoSource } from '../decode/openVideoSource';
import { decodeFrontToBack } from '../decode/libav/frontToBackDecode';
import { FrameOutputs } from '../decode/libav/frameOutputs';
import { errorText } from '../errorText';
import { uniformIndices } from '../video/frameSampling';
import type { FrameGeometry } from '../video/resizeGeometry';
import { requestGeometry } from '../decode/videoDescription';
import type { DecodeDevice, VideoFrame } from '../video/videoTypes';
import { pixelDifference, toleranceFor, withinTolerance, type PixelDifference } from './frameComparison';
import { randomBelow, type RandomSource } from './seededRandom';

/** How the engine is asked for its frames, as a run would ask. */
export interface EngineChoice {
  backend: BackendChoice;
  /** Where the engine decodes (a run's choice already made: `auto` resolved). */
  device: DecodeDevice;
  gpuId: number;
  ffmpegPath?: string;
  /** Frames spread evenly, as the keyframes built-in with `--num-frames` this many chooses them. */
  uniformFrames: number;
  /** Frames at random beyond those (drawn from the check's seed). */
  randomFrames: number;
  /** Shorter side to compare at; absent: the video's own size. */
  size?: number;
  /** Frames turned upright as the display matrix says (a run's default), or as stored. */
  autorotate: boolean;
  /** Threads of the reference decoder (0: FFmpeg's choice); its pictures do not depend on them. */
  referenceThreads: number;
  log?: (line: string) => void;
}

/** One chosen frame: its index and how far the engine's picture is from the reference's. */
export interface FrameCheck extends PixelDifference {
  index: number;
  equal: boolean;
  /** The reference decoder never put out a frame at this index (mean and max then say 255). */
  missing?: true;
}

/** The verdict on one video; snake_case, as it is printed with --json. */
export interface VideoCheck {
  row: number;
  id: string;
  video_path: string;
  /** `differs`: a frame or the frame count differs; `failed`: the video could not be checked. */
  status: 'ok' | 'differs' | 'failed';
  /** Who decoded the engine's frames (a GPU source may have fallen back to the CPU). */
  device?: DecodeDevice;
  /** The engine's frame count (num_frames, from its packet index). */
  engine_frames?: number;
  /** Frames the reference decoder put out, front to back. */
  decoded_frames?: number;
  frames: FrameCheck[];
  error?: string;
}

/** The frames to check: the keyframes built-in's, then `extra` others at random, all different. */
export function chooseFrames(frameCount: number, uniform: number, extra: number, random: RandomSource): number[] {
  // A video shorter than `uniform` frames repeats some in the built-in's choice: each is checked once.
  const chosen = [...new Set(uniformIndices(frameCount, uniform))];
  const taken = new Set(chosen);
  const left = frameCount - taken.size;
  if (left <= extra) {
    for (let index = 0; index < frameCount; index++) if (!taken.has(index)) chosen.push(index);
    return chosen;
  }
  const wanted = chosen.length + extra;
  while (chosen.length < wanted) {
    const index = randomBelow(random, frameCount);
    if (taken.has(index)) continue;
    taken.add(index);
    chosen.push(index);
  }
  return chosen;
}

/** What the engine gave for one video: its frames at the compared size, or why it gave none. */
interface EngineSide {
  frames: VideoFrame[];
  device: DecodeDevice;
  error?: string;
}

/** The engine's side: metadata, the chosen frames through `frames(indices)` as a run asks for them. */
async function engineFrames(row: VideoRow, choice: EngineChoice, random: RandomSource, check: VideoCheck): Promise<EngineSide> {
  const source = await openVideoSource(row.videoPath, {
    settings: { backend: choice.backend, device: choice.device, gpuIds: [choice.gpuId], threads: 1, ffmpegPath: choice.ffmpegPath, autorotate: choice.autorotate },
    gpuId: choice.gpuId,
    log: choice.log,
  });
  try {
    const metadata = await source.metadata();
    check.engine_frames = metadata.num_frames;
    const indices = chooseFrames(metadata.num_frames, choice.uniformFrames, choice.randomFrames, random);
    try {
      const frames = await source.frames(indices, { size: choice.size });
      return { frames, device: source.device };
    } catch (error) {
      return { frames: [], device: source.device, error: `the engine cannot give its frames: ${errorText(error)}` };
    }
  } finally {
    await source.close();
  }
}

/**
 * The reference's side: decodes the whole video, converting only the chosen frames, each compared as
 * it comes. Its geometry comes from its own reading of the stream (size, display matrix, pixel shape).
 */
function compareWithReference(file: string, wanted: readonly VideoFrame[], choice: EngineChoice): { decoded: number; differences: Map<number, PixelDifference> } {
  const byIndex = new Map(wanted.map((frame) => [frame.index, frame]));
  const differences = new Map<number, PixelDifference>();
  // The engine's own conversion (scaler, flags, turn, crop), so the libav backend's pictures are equal, not close.
  const outputs = new FrameOutputs(file);
  let geometry: FrameGeometry | undefined;
  try {
    const { frames } = decodeFrontToBack(file, (picture, position) => {
      const frame = byIndex.get(position);
      if (frame && geometry) differences.set(position, pixelDifference(frame.data!, outputs.rgb(picture, geometry)));
    }, {
      threads: choice.referenceThreads,
      onOpened: (stored) => (geometry = requestGeometry(stored, choice.autorotate, { size: choice.size })),
    });
    return { decoded: frames, differences };
  } finally {
    outputs.free();
  }
}

/**
 * Checks one video: the engine's chosen frames against a front-to-back decode of the whole video,
 * the frame count against the frames that decode put out. Never throws: a video that cannot be
 * opened or decoded is a `failed` verdict with the reason.
 */
export async function checkVideo(row: VideoRow, choice: EngineChoice, random: RandomSource): Promise<VideoCheck> {
  const check: VideoCheck = { row: row.rowNumber, id: row.id, video_path: row.videoPath, status: 'failed', frames: [] };
  try {
    const engine = await engineFrames(row, choice, random, check);
    check.device = engine.device;
    const { decoded, differences } = compareWithReference(row.videoPath, engine.frames, choice);
    check.decoded_frames = decoded;
    const tolerance = toleranceFor(choice.backend, engine.device);
    const unique = [...new Set(engine.frames.map((frame) => frame.index))].sort((a, b) => a - b);
    check.frames = unique.map((index) => {
      const difference = differences.get(index);
      // A chosen frame the reference never reached: as far from it as a frame can be.
      if (!difference) return { index, mean: 255, max: 255, equal: false, missing: true };
      return { index, ...difference, equal: withinTolerance(difference, tolerance) };
    });
    if (engine.error) check.error = engine.error;
    if (decoded !== check.engine_frames || check.frames.some((frame) => !frame.equal)) check.status = 'differs';
    else if (!engine.error) check.status = 'ok';
  } catch (error) {
    check.error = errorText(error);
  }
  return check;
}
