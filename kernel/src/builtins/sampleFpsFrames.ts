import type { VideoLoader } from '../video/videoLoader';
import { checkFpsArguments, fpsSample } from '../video/timeSampling';
import { recordFrames, withJpegs, type BytesOutput, type FilesOutput, type KeyframeOptions, type KeyframesRecord, type RecordWithJpegs } from './extractKeyframes';

export interface FpsOptions extends Omit<KeyframeOptions, 'numFrames'> {
  /** Frames per second of video time, > 0 (need not be whole, nor at most the video's rate). */
  fps: number;
  /** At most this many frames, the first ones (default: every time within the video). */
  maxFrames?: number;
}

/**
 * What the fps built-in returns: `indices`/`timestamps` of the frame shown at each sampling time
 * (repeated where fps exceeds the video's rate), and the times themselves.
 */
export interface FpsRecord extends KeyframesRecord {
  fps: number;
  /** The sampling times t0 + k / fps in seconds; `times[i]` shows frame `indices[i]`. */
  times: number[];
}

/** The frames displayed every 1/fps seconds (`loader.sampleFps`'s), with JPEGs (files or bytes) like the keyframes built-in's. */
export function sampleFpsFrames(loader: VideoLoader, options: FpsOptions & BytesOutput): Promise<RecordWithJpegs<FpsRecord>>;
export function sampleFpsFrames(loader: VideoLoader, options: FpsOptions & FilesOutput): Promise<FpsRecord>;
export function sampleFpsFrames(loader: VideoLoader, options: FpsOptions): Promise<FpsRecord | RecordWithJpegs<FpsRecord>>;
export async function sampleFpsFrames(loader: VideoLoader, options: FpsOptions): Promise<FpsRecord | RecordWithJpegs<FpsRecord>> {
  checkFpsArguments(options.fps, options.maxFrames);
  const { times, indices } = fpsSample(await loader.getTimeline(), options.fps, options.maxFrames);
  const { record, jpegs } = await recordFrames(loader, indices, 'fps', options);
  return withJpegs({ ...record, fps: options.fps, times }, jpegs);
}
