import type { KeyframesRecord } from '../builtins/extractKeyframes';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { DEFAULT_KEYFRAMES_PAGE_SIZE, type KeyframesOutput, type KeyframesVideo } from './notebookOutputs';

/** Turns a JPEG's path on disk into something a webview can load (a webview URI or a data: URI). */
export type FrameSource = (jpegPath: string) => string;

export interface KeyframesWindow {
  /** First video carried (default 0). */
  offset?: number;
  /** Videos carried (default: one page). */
  limit?: number;
  pageSize?: number;
}

function isKeyframesRecord(result: unknown): result is KeyframesRecord {
  return typeof result === 'object' && result !== null && Array.isArray((result as { frames?: unknown }).frames);
}

/** The processed records that hold frames: keyframe and adaptive results, in record order. */
export function keyframeRecords(records: readonly ProcessingRecord[]): ProcessingRecord[] {
  return records.filter((record) => record.status === 'processed' && isKeyframesRecord(record.result));
}

export function keyframesVideo(record: ProcessingRecord, toSrc: FrameSource): KeyframesVideo {
  const frames = isKeyframesRecord(record.result) ? record.result.frames : [];
  return {
    id: record.id,
    video_path: record.video_path,
    frames: frames.map((frame) => ({ index: frame.index, timestamp: frame.timestamp, ...(frame.path ? { src: toSrc(frame.path) } : {}) })),
  };
}

/**
 * The keyframes output for a window of a run's records. Only the carried window's frames are turned
 * into sources, so a large run costs one page of images, not all of them.
 */
export function keyframesOutput(records: readonly ProcessingRecord[], toSrc: FrameSource, window: KeyframesWindow = {}): KeyframesOutput {
  const withFrames = keyframeRecords(records);
  const pageSize = window.pageSize ?? DEFAULT_KEYFRAMES_PAGE_SIZE;
  const offset = Math.min(window.offset ?? 0, withFrames.length);
  const carried = withFrames.slice(offset, offset + (window.limit ?? pageSize));
  return { videos: carried.map((record) => keyframesVideo(record, toSrc)), offset, totalVideos: withFrames.length, pageSize };
}
