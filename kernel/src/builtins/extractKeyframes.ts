import type { VideoLoader } from '../video/videoLoader';
import { uniformIndices } from '../video/frameSampling';
import type { VideoFrame, VideoMetadata } from '../video/videoTypes';
import type { ResizeRequest } from '../video/resizeGeometry';
import type { Interpolation } from '../video/interpolation';
import { videoOutputDir } from './outputPaths';
import { DEFAULT_NUM_FRAMES } from '../processingDefaults';

/**
 * Where a built-in's JPEGs go: `files` under the output directory (the default), or `bytes`
 * returned beside the record, no file written (for writers that pack frames into archives).
 */
export type JpegOutput = 'files' | 'bytes';

export interface KeyframeOptions {
  /** How many frames, spread evenly from the first to the last (default 16). */
  numFrames?: number;
  /** Shorter side of the written JPEGs in pixels, aspect kept (default: the video's own size). */
  size?: number;
  /** A fixed JPEG size and how the picture fits it (stretch, cover, contain); not together with `size`. */
  resize?: ResizeRequest;
  /** How `size` or `resize` resamples: bicubic (default), bilinear, area, lanczos or nearest. */
  interpolation?: Interpolation;
  /** Where the JPEGs go (default: the job's output directory); none: no files, timestamps only. */
  outputDir?: string;
  /** JPEG quality 1..100 (default 90). */
  jpegQuality?: number;
  /** `bytes`: the result is `{ record, jpegs }` and nothing is written; default `files`. */
  jpegOutput?: JpegOutput;
}

/** Options that ask for the JPEGs as bytes. */
export type BytesOutput = { jpegOutput: 'bytes' };
/** Options that ask for JPEG files (or none, without an output directory). */
export type FilesOutput = { jpegOutput?: 'files' };

/**
 * A built-in's result in `bytes` mode: the record as it would be journaled (its frames without
 * `path`) and the JPEG of each of its frames, `jpegs[i]` for `record.frames[i]`.
 */
export interface RecordWithJpegs<R> {
  record: R;
  jpegs: Uint8Array[];
}

/** One extracted frame as it is recorded: no pixels, only where to find them. */
export interface FrameRecord {
  index: number;
  timestamp: number;
  /** The JPEG's size: what `size` or `resize` made of the video's. */
  width: number;
  height: number;
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

/** The record of frames extracted at `indices`, shared by the keyframe and adaptive built-ins; `jpegs` in bytes mode only. */
export async function recordFrames(
  loader: VideoLoader,
  indices: number[],
  kind: string,
  options: Omit<KeyframeOptions, 'numFrames'>,
): Promise<{ record: KeyframesRecord; metadata: VideoMetadata; jpegs?: Uint8Array[] }> {
  const metadata = await loader.getMetadata();
  const bytes = options.jpegOutput === 'bytes';
  const outputDir = bytes ? undefined : (options.outputDir ?? loader.context.outputDir);
  const frames: VideoFrame[] = await loader.getFrames(indices, {
    size: options.size,
    resize: options.resize,
    interpolation: options.interpolation,
    pixels: false,
    jpegDir: outputDir === undefined ? undefined : videoOutputDir(outputDir, kind, loader.videoId),
    jpegBytes: bytes,
    jpegQuality: options.jpegQuality,
  });
  const record: KeyframesRecord = {
    num_frames: frames.length,
    indices: frames.map((frame) => frame.index),
    timestamps: frames.map((frame) => frame.timestamp),
    frames: frames.map((frame) => ({ index: frame.index, timestamp: frame.timestamp, width: frame.width, height: frame.height, ...(frame.jpegPath ? { path: frame.jpegPath } : {}) })),
    width: frames[0]?.width ?? metadata.width,
    height: frames[0]?.height ?? metadata.height,
    duration: metadata.duration,
  };
  return { record, metadata, ...(bytes ? { jpegs: frames.map((frame) => frame.jpeg!) } : {}) };
}

/** The record alone, or with its JPEGs in bytes mode: what a built-in returns. */
export function withJpegs<R>(record: R, jpegs: Uint8Array[] | undefined): R | RecordWithJpegs<R> {
  return jpegs ? { record, jpegs } : record;
}

/**
 * `numFrames` frames at indices `floor(i*(F-1)/(N-1))`, frame-accurate (the decoded frame at that
 * index, not the nearest I-frame), written as JPEGs under the output directory when one is set, or
 * returned as bytes beside the record with `jpegOutput: 'bytes'`.
 */
export function extractKeyframes(loader: VideoLoader, options: KeyframeOptions & BytesOutput): Promise<RecordWithJpegs<KeyframesRecord>>;
export function extractKeyframes(loader: VideoLoader, options?: KeyframeOptions & FilesOutput): Promise<KeyframesRecord>;
export function extractKeyframes(loader: VideoLoader, options?: KeyframeOptions): Promise<KeyframesRecord | RecordWithJpegs<KeyframesRecord>>;
export async function extractKeyframes(loader: VideoLoader, options: KeyframeOptions = {}): Promise<KeyframesRecord | RecordWithJpegs<KeyframesRecord>> {
  const metadata = await loader.getMetadata();
  const indices = uniformIndices(metadata.num_frames, options.numFrames ?? DEFAULT_NUM_FRAMES);
  const { record, jpegs } = await recordFrames(loader, indices, 'keyframes', options);
  return withJpegs(record, jpegs);
}
