import type { KeyframesRecord } from '../builtins/extractKeyframes';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { ResultRecords } from '../checkpoint/resultRecords';
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

/**
 * Records a keyframe grid pages through without holding them: a run's `results.records` view of
 * processed rows reads each page from the checkpoint. `indexBytes`: what keeping it costs.
 */
export interface PagedRecords {
  readonly length: number;
  page(offset: number, count: number): ProcessingRecord[];
  readonly indexBytes?: number;
}

/** The processed records that hold frames: keyframe, adaptive and fps results, in record order. */
export function keyframeRecords(records: readonly ProcessingRecord[]): ProcessingRecord[] {
  return records.filter((record) => record.status === 'processed' && isKeyframesRecord(record.result));
}

/** An array's keyframe records, paged like a run's. */
function pagedArray(records: readonly ProcessingRecord[]): PagedRecords {
  const withFrames = keyframeRecords(records);
  return { length: withFrames.length, page: (offset, count) => withFrames.slice(offset, offset + count) };
}

/** Whether a grid of these records would show any frames: its first record holds some. */
export function holdsKeyframes(records: PagedRecords): boolean {
  const [first] = records.page(0, 1);
  return first !== undefined && isKeyframesRecord(first.result);
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
 * The keyframes output for a window of a run's records (an array, or pages read on demand). Only
 * the carried window is read and its frames turned into sources, so a large run costs one page of
 * images, not all of them.
 */
export function keyframesOutput(records: PagedRecords | readonly ProcessingRecord[], toSrc: FrameSource, window: KeyframesWindow = {}): KeyframesOutput {
  const source = pagedRecordsOf(records);
  const pageSize = window.pageSize ?? DEFAULT_KEYFRAMES_PAGE_SIZE;
  const offset = Math.min(window.offset ?? 0, source.length);
  const carried = source.page(offset, window.limit ?? pageSize);
  return { videos: carried.map((record) => keyframesVideo(record, toSrc)), offset, totalVideos: source.length, pageSize };
}

/** Arrays are filtered to their keyframe records, a run's records to its processed rows; other paged sources are taken as they are. */
export function pagedRecordsOf(records: PagedRecords | readonly ProcessingRecord[]): PagedRecords {
  if (isRecordArray(records)) return pagedArray(records);
  return records instanceof ResultRecords && records.status === undefined ? records.withStatus('processed') : records;
}

function isRecordArray(records: PagedRecords | readonly ProcessingRecord[]): records is readonly ProcessingRecord[] {
  return Array.isArray(records);
}
