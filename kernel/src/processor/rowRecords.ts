import { stat } from 'node:fs/promises';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import type { VideoRow } from '../csv/videoRows';
import { errorText } from '../errorText';
import { isNetworkUrl } from '../decode/networkInput';
import type { JobOutcome } from '../pool/workerPool';
import { toJsonValue } from './jsonRecord';

/** A worker's outcome as a record (keys in the order of processing_results.json: id, video_path, status, result, error, time): its result as plain JSON, or why it failed. */
export function outcomeRecord(video: Pick<ProcessingRecord, 'id' | 'video_path' | 'time'>, outcome: Pick<JobOutcome, 'result' | 'error'>): ProcessingRecord {
  const { id, video_path, time } = video;
  if (outcome.error !== undefined) return { id, video_path, status: 'failed', error: outcome.error, time };
  try {
    return { id, video_path, status: 'processed', result: toJsonValue(outcome.result), time };
  } catch (error) {
    return { id, video_path, status: 'failed', error: `the processing function's result is not JSON: ${errorText(error)}`, time };
  }
}

/** The record of a row that is never processed (an empty path or id, a duplicate id). */
export function skippedRecord(row: VideoRow): ProcessingRecord {
  return { id: row.id, video_path: row.rawPath, status: 'skipped', error: describeRowProblem(row), time: 0 };
}

function describeRowProblem(row: VideoRow): string {
  switch (row.problem) {
    case 'empty_path':
      return `row ${row.rowNumber}: the video path is empty`;
    case 'empty_id':
      return `row ${row.rowNumber}: the id is empty`;
    case 'duplicate_id':
      return `row ${row.rowNumber}: id '${row.id}' appeared on an earlier row`;
    default:
      return `row ${row.rowNumber}`;
  }
}

/**
 * Why a row's video cannot be opened at all, before any worker is asked; undefined when it is a
 * file. A URL is not checked here: the decoder's open says why it cannot be read (status, refused,
 * timed out), and asking the server twice would cost a request per row.
 */
export async function missingVideo(videoPath: string): Promise<string | undefined> {
  if (isNetworkUrl(videoPath)) return undefined;
  return stat(videoPath).then(
    (info) => (info.isFile() ? undefined : `not a file: ${videoPath}`),
    () => `file not found: ${videoPath}`,
  );
}
