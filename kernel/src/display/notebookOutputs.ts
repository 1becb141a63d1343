/**
 * The notebook outputs the kernel writes and the renderers draw: their MIME types and JSON shapes.
 * Plain types, constants and pure formatting only, so the browser bundles of the renderers can import this module.
 * Outputs are saved in the notebook and rendered again without a kernel, so every field a renderer
 * needs is in the JSON itself.
 */

import type { FailureKind, FailureKindCounts } from '../stats/failureKinds';
import type { DatasetStatsDict } from '../stats/processingStats';

export const PROGRESS_MIME = 'application/vnd.video-batch-kernel.progress+json';
export const KEYFRAMES_MIME = 'application/vnd.video-batch-kernel.keyframes+json';

/** A running run shows live numbers; the other three are final and stay as saved. */
export type RunState = 'running' | 'done' | 'interrupted' | 'failed';

export type OutputDevice = 'cpu' | 'gpu';

/** One failed video, as the statistics list it (snake_case like processing_stats.json). */
export interface OutputError {
  id: string;
  video_path: string;
  error: string;
  /** What kind of failure the error names; absent in outputs saved by older versions. */
  kind?: FailureKind;
}

export interface WorkerNow {
  workerId: number;
  /** The video the worker decodes now; absent while it is idle. */
  videoId?: string;
  videoPath?: string;
}

/** One machine working on a queue job, as its latest heartbeat tells. */
export interface MachineNow {
  /** The name the machine gives itself (VBK_HOST or its host name): text from another machine. */
  host: string;
  /** Decoding processes it runs. */
  workers: number;
  /** Videos it settled for this job. */
  done: number;
  videosPerSecond: number;
  /** Videos it decodes now. */
  active: number;
}

export interface DeviceInUse {
  device: OutputDevice;
  /** Why decoding runs on the CPU although a GPU was asked for. */
  fallbackReason?: string;
}

export interface ProgressOutput {
  state: RunState;
  /** What stopped a failed run, for the user to act on. */
  message?: string;
  processed: number;
  failed: number;
  skipped: number;
  total: number;
  videosPerSecond: number;
  elapsedSeconds: number;
  /** Seconds left at the current rate; null until a rate is known. */
  etaSeconds: number | null;
  workers: WorkerNow[];
  device: DeviceInUse;
  framesPerSecond: Record<OutputDevice, number>;
  /** The first failures of the run, at most PROGRESS_ERRORS_LISTED. */
  errors: OutputError[];
  /** Failures counted but not listed. */
  errorsNotListed: number;
  /** Every failure of the run by kind, listed or not; absent in outputs saved by older versions. */
  errorsByKind?: FailureKindCounts;
  /** The whole dataset's state (every run of the checkpoint); absent in outputs saved by older versions. */
  dataset?: DatasetStatsDict;
  /** While the CSV is read before the first video: how far. */
  reading?: { bytesRead: number; totalBytes: number };
  /**
   * A job on a queue: the machines working on it, by host, at most PROGRESS_MACHINES_LISTED (the
   * rates above are their sum, and `workers` is empty). Absent for a run on one machine and in
   * outputs saved by older versions.
   */
  machines?: MachineNow[];
  /** Machines working on the job but not listed; present with `machines`. */
  machinesNotListed?: number;
}

/** "45% (12.0 of 26.7 MB)": how far the read of the CSV before a run has come. */
export function readingSummary(reading: { bytesRead: number; totalBytes: number }): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const percent = reading.totalBytes > 0 ? Math.min(100, Math.floor((100 * reading.bytesRead) / reading.totalBytes)) : 100;
  return `${percent}% (${mb(reading.bytesRead)} of ${mb(reading.totalBytes)} MB)`;
}

/** "dataset: 950 processed, 30 failed, 20 pending of 1000" (skipped named only when there are some). */
export function datasetSummary(dataset: DatasetStatsDict): string {
  const skipped = dataset.skipped ? `, ${dataset.skipped} skipped` : '';
  return `dataset: ${dataset.processed} processed, ${dataset.failed} failed${skipped}, ${dataset.pending} pending of ${dataset.total_videos}`;
}

/** The output is re-sent on every update: a long error list would make each update heavy. */
export const PROGRESS_ERRORS_LISTED = 200;

/** Machines a progress output lists, for the same reason: a cluster of hundreds must not weigh on every update. */
export const PROGRESS_MACHINES_LISTED = 64;

/** "3 machines", "1 machine", "200 machines (first 64 listed)". */
export function machinesSummary(listed: number, notListed: number): string {
  const count = listed + notListed;
  if (count === 0) return 'No machine heard from yet';
  return `${count} ${count === 1 ? 'machine' : 'machines'}${notListed > 0 ? ` (first ${listed} listed)` : ''}`;
}

export interface KeyframeThumb {
  index: number;
  /** Seconds from the video's start. */
  timestamp: number;
  /** Where the JPEG is: a webview URI or a data: URI; absent when no file was written. */
  src?: string;
}

export interface KeyframesVideo {
  id: string;
  video_path: string;
  frames: KeyframeThumb[];
  /** A row that did not process shows its status, error and the error's kind instead of frames; absent for a processed one. */
  status?: 'failed' | 'skipped';
  error?: string;
  kind?: FailureKind;
}

/** Which rows a keyframe grid shows: all, only those with keyframes, only failures. */
export const GRID_STATUSES = ['all', 'processed', 'failed'] as const;
export type GridStatus = (typeof GRID_STATUSES)[number];

/** What a grid shows: rows of a status whose id or path holds `search` (case-insensitive; empty: every row). */
export interface KeyframesQuery {
  status: GridStatus;
  search: string;
}

/** A grid opens on the videos with keyframes, as it always has. */
export const DEFAULT_KEYFRAMES_QUERY: KeyframesQuery = { status: 'processed', search: '' };

export function sameQuery(a: KeyframesQuery, b: KeyframesQuery): boolean {
  return a.status === b.status && a.search === b.search;
}

/** The search as rows are tested against it: trimmed, lower case; '' matches every row. */
export function searchNeedle(search: string): string {
  return search.trim().toLowerCase();
}

/** Whether a row's id or path holds the needle (from searchNeedle): the grid's search, in the kernel and in a saved output alike. */
export function searchMatches(needle: string, row: { id: string; video_path: string }): boolean {
  return needle === '' || row.id.toLowerCase().includes(needle) || row.video_path.toLowerCase().includes(needle);
}

export interface KeyframesOutput {
  /** The videos this output carries, from position `offset` of the run's keyframe results on. */
  videos: KeyframesVideo[];
  offset: number;
  /** Videos with keyframes in the whole run; more than `offset + videos.length` means more exist. */
  totalVideos: number;
  /** Videos shown at once; a large run is paged, never shown whole. */
  pageSize: number;
  /** The rows `videos` and `totalVideos` answer; DEFAULT_KEYFRAMES_QUERY when absent (older outputs). */
  query?: KeyframesQuery;
}

/** Videos a keyframe grid shows a page: a screenful of 128 px thumbnail rows. */
export const DEFAULT_KEYFRAMES_PAGE_SIZE = 12;

/** Renderer → kernel: send the videos from `offset` on (renderer messaging). */
export interface KeyframesPageRequest {
  type: 'keyframesPageRequest';
  outputId: string;
  offset: number;
  limit: number;
  /** The rows asked for; DEFAULT_KEYFRAMES_QUERY when absent. */
  query?: KeyframesQuery;
}

/** Kernel → renderer: the videos asked for. */
export interface KeyframesPageReply {
  type: 'keyframesPage';
  outputId: string;
  offset: number;
  videos: KeyframesVideo[];
  /** Rows that match `query`. */
  totalVideos: number;
  query?: KeyframesQuery;
}
