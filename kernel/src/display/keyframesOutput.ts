import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { failureKind } from '../stats/failureKinds';
import { gridRecordsOf, isKeyframesRecord, type GridRecords, type PagedRecords } from './gridRecords';
import { DEFAULT_KEYFRAMES_PAGE_SIZE, DEFAULT_KEYFRAMES_QUERY, type KeyframesOutput, type KeyframesQuery, type KeyframesVideo } from './notebookOutputs';

/** Turns a JPEG's path on disk into something a webview can load (a webview URI or a data: URI). */
export type FrameSource = (jpegPath: string) => string;

export interface KeyframesWindow {
  /** First video carried (default 0), counted among the rows the query matches. */
  offset?: number;
  /** Videos carried (default: one page). */
  limit?: number;
  pageSize?: number;
  /** Which rows (default: the videos with keyframes). */
  query?: KeyframesQuery;
}

/** Whether a grid of these records would show any frames: its first record holds some. */
export function holdsKeyframes(records: PagedRecords): boolean {
  const [first] = records.page(0, 1);
  return first !== undefined && isKeyframesRecord(first.result);
}

/** A row of the grid: a processed record's frames, or a row that did not process with its error and the error's kind. */
export function keyframesVideo(record: ProcessingRecord, toSrc: FrameSource): KeyframesVideo {
  const { id, video_path } = record;
  if (record.status !== 'processed') {
    const error = record.error ?? '';
    return { id, video_path, frames: [], status: record.status, error, kind: failureKind(error) };
  }
  const frames = isKeyframesRecord(record.result) ? record.result.frames : [];
  return { id, video_path, frames: frames.map((frame) => ({ index: frame.index, timestamp: frame.timestamp, ...(frame.path ? { src: toSrc(frame.path) } : {}) })) };
}

function isGridRecords(records: GridRecords | PagedRecords | readonly ProcessingRecord[]): records is GridRecords {
  return !Array.isArray(records) && !('length' in records);
}

/**
 * The keyframes output for a window of the rows a query matches (of an array, or pages read on
 * demand). Only the carried window's frames are turned into sources, so a large run costs one
 * page of images, not all of them.
 */
export function keyframesOutput(records: GridRecords | PagedRecords | readonly ProcessingRecord[], toSrc: FrameSource, window: KeyframesWindow = {}): KeyframesOutput {
  const grid = isGridRecords(records) ? records : gridRecordsOf(records);
  const pageSize = window.pageSize ?? DEFAULT_KEYFRAMES_PAGE_SIZE;
  const query = window.query ?? DEFAULT_KEYFRAMES_QUERY;
  const offset = Math.max(0, window.offset ?? 0);
  const page = grid.page(query, offset, window.limit ?? pageSize);
  return { videos: page.records.map((record) => keyframesVideo(record, toSrc)), offset: Math.min(offset, page.total), totalVideos: page.total, pageSize, query };
}
