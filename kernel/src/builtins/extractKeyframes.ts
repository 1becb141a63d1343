import type { VideoLoader } from '../video/videoLoader';
import { uniformIndices } from '../video/frameSampling';
import type { VideoFrame, VideoMetadata } from '../video/videoTypes';
import { videoOutputDir } from './outputPaths';
import { DEFAULT_NUM_FRAMES } from '../processingDefaults';

export interface KeyframeOptions {
  /** How many frames, spread evenly from the first to the last (default 16). */
  numFrames?: number;
  /** Shorter side of the written JPEGs in pixels, aspect kept (default: the video's own size). */
  size?: number;
  /** Where the JPEGs go (default: the job's output directory); none: no files, timestamps only. */
  outputDir?: string;
  /** JPEG quality 1..100 (default 90). */
  jpegQuality?: number;
}

/** One extracted frame as it is recorded: no pixels, only where to find them. */
export interface FrameRecord {
  index: number;
  timestamp: number;
  path?: string;
}

/** What extractKeyframes returns; snake_case because it lands in processing_results.json. */
export interface KeyframesRecord {
  num_frames: number;
  indices: number[];
  timestamps: number[];
  frames: FrameRecord[];
  width: number;
  height: number;
  duration: number;
}

/** The record of frames extracted at `indices`, shared by the keyframe and adaptive built-ins. */
export async function recordFrames(
  loader: VideoLoader,
  indices: number[],
  kind: string,
  options: Omit<KeyframeOptions, 'numFrames'>,
): Promise<{ record: KeyframesRecord; metadata: VideoMetadata }> {
  const metadata = await loader.getMetadata();
  const outputDir = options.outputDir ?? loader.context.outputDir;
  const frames: VideoFrame[] = await loader.getFrames(indices, {
    size: options.size,
    pixels: false,
    jpegDir: outputDir === undefined ? undefined : videoOutputDir(outputDir, kind, loader.videoId),
    jpegQuality: options.jpegQuality,
  });
  const record: KeyframesRecord = {
    num_frames: frames.length,
    indices: frames.map((frame) => frame.index),
    timestamps: frames.map((frame) => frame.timestamp),
    frames: frames.map((frame) => ({ index: frame.index, timestamp: frame.timestamp, ...(frame.jpegPath ? { path: frame.jpegPath } : {}) })),
    width: frames[0]?.width ?? metadata.width,
    height: frames[0]?.height ?? metadata.height,
    duration: metadata.duration,
  };
  return { record, metadata };
}

/**
 * `numFrames` frames at indices `floor(i*(F-1)/(N-1))`, frame-accurate (the decoded frame at that
 * index, not the nearest I-frame), written as JPEGs under the output directory when one is set.
 */
export async function extractKeyframes(loader: VideoLoader, options: KeyframeOptions = {}): Promise<KeyframesRecord> {
  const metadata = await loader.getMetadata();
  const indices = uniformIndices(metadata.num_frames, options.numFrames ?? DEFAULT_NUM_FRAMES);
  const { record } = await recordFrames(loader, indices, 'keyframes', options);
  return record;
}
