import type { VideoLoader } from '../video/videoLoader';
import {
  checkSceneArguments, cutFrames, cutScores, DEFAULT_SCENE_THRESHOLD, lumaDifference, lumaOf, SCENE_FRAME_SIZE, scenesOf, type SceneRecord,
} from '../video/shotBoundaries';
import { recordFrames, withJpegs, type BytesOutput, type FilesOutput, type KeyframeOptions, type KeyframesRecord, type RecordWithJpegs } from './extractKeyframes';

export interface SceneOptions extends Omit<KeyframeOptions, 'numFrames'> {
  /** A cut where scdet's score (0..1) reaches this (default 0.1, scdet's own). */
  threshold?: number;
  /** At most this many scenes: the strongest cuts are kept (default: every cut). */
  maxScenes?: number;
}

/** What the scenes built-in returns: the keyframes record of one frame per shot, and the shots. */
export interface ScenesRecord extends KeyframesRecord {
  scenes: SceneRecord[];
}

/**
 * Frames decoded per request while measuring: consecutive, so each backend reads on without
 * seeking, and few enough that the small pixels of a long video never sit in memory at once and
 * that the ffmpeg backend's select expression of one run stays short (512 is refused by ffmpeg).
 */
const MEASURE_CHUNK = 100;

/** Every frame's luma difference to its previous one, decoding each frame once at SCENE_FRAME_SIZE. */
async function frameDifferences(loader: VideoLoader): Promise<number[]> {
  const { num_frames: frameCount } = await loader.getMetadata();
  const differences: number[] = [];
  let previous: Uint8Array | undefined;
  for (let first = 0; first < frameCount; first += MEASURE_CHUNK) {
    const indices = Array.from({ length: Math.min(MEASURE_CHUNK, frameCount - first) }, (_, k) => first + k);
    for (const frame of await loader.getFrames(indices, { size: SCENE_FRAME_SIZE })) {
      const luma = lumaOf(frame.data!);
      differences.push(previous ? lumaDifference(previous, luma) : 0);
      previous = luma;
    }
  }
  return differences;
}

/**
 * Shot boundaries by scdet's rule on 64 px luma (see shotBoundaries.ts), and the middle frame of
 * each shot written as a JPEG at `size` like the keyframes built-in's, frame-exact.
 */
export function detectScenes(loader: VideoLoader, options: SceneOptions & BytesOutput): Promise<RecordWithJpegs<ScenesRecord>>;
export function detectScenes(loader: VideoLoader, options?: SceneOptions & FilesOutput): Promise<ScenesRecord>;
export function detectScenes(loader: VideoLoader, options?: SceneOptions): Promise<ScenesRecord | RecordWithJpegs<ScenesRecord>>;
export async function detectScenes(loader: VideoLoader, options: SceneOptions = {}): Promise<ScenesRecord | RecordWithJpegs<ScenesRecord>> {
  checkSceneArguments(options.threshold, options.maxScenes);
  const cuts = cutFrames(cutScores(await frameDifferences(loader)), options.threshold ?? DEFAULT_SCENE_THRESHOLD, options.maxScenes);
  const { timestamps, duration } = await loader.getTimeline();
  const scenes = scenesOf(cuts, timestamps, duration);
  const { record, jpegs } = await recordFrames(loader, scenes.map((scene) => scene.keyframe_index), 'scenes', options);
  return withJpegs({ ...record, scenes }, jpegs);
}
