import { failureKind, noFailures, type FailureKind, type FailureKindCounts } from './failureKinds';

/** One failed video, as the statistics list it. */
export interface ProcessingError {
  id: string;
  video_path: string;
  error: string;
}

/** A listed failure with the kind its error text names (see failureKind). */
export type KindedError = ProcessingError & { kind: FailureKind };

/** The statistics dict, snake_case for the JSON files Python tooling reads. */
export interface ProcessingStatsDict {
  total_videos: number;
  processed: number;
  failed: number;
  skipped: number;
  success_rate: number;
  total_time: number;
  avg_time_per_video: number;
  errors: KindedError[];
  /** Failures beyond the first MAX_LISTED_ERRORS (1000), counted but not listed; 0 when all are listed. */
  errors_not_listed: number;
  /** Every failure of the run by kind, the unlisted ones included. */
  errors_by_kind: FailureKindCounts;
}

/** A million failures would make the stats file larger than the results: list the first thousand. */
export const MAX_LISTED_ERRORS = 1000;

export interface ProcessingStatsInit {
  totalVideos?: number;
  processed?: number;
  failed?: number;
  skipped?: number;
  /** Seconds. */
  totalTime?: number;
  errors?: ProcessingError[];
}

/** Statistics of one run. */
export class ProcessingStats {
  totalVideos: number;
  processed: number;
  failed: number;
  skipped: number;
  totalTime: number;
  errors: KindedError[] = [];
  private errorsNotListed = 0;
  private readonly errorsByKind = noFailures();

  constructor(init: ProcessingStatsInit = {}) {
    this.totalVideos = init.totalVideos ?? 0;
    this.processed = init.processed ?? 0;
    this.failed = init.failed ?? 0;
    this.skipped = init.skipped ?? 0;
    this.totalTime = init.totalTime ?? 0;
    for (const error of init.errors ?? []) this.addError(error);
  }

  /**
   * processed / total_videos, for example (90 of 100 with 5 failed, 5 skipped: 0.9;
   * processed / (processed + failed) would give 0.947); 0 for an empty dataset.
   */
  get successRate(): number {
    return this.totalVideos > 0 ? this.processed / this.totalVideos : 0;
  }

  /**
   * total_time / processed, for example (120.5 s over 90 processed: 1.34); 0 when
   * nothing was processed.
   */
  get avgTimePerVideo(): number {
    return this.processed > 0 ? this.totalTime / this.processed : 0;
  }

  /** Records a failure and counts its kind; beyond the first MAX_LISTED_ERRORS only the counts grow, so memory stays bounded. */
  addError(error: ProcessingError): void {
    const kind = failureKind(error.error);
    this.errorsByKind[kind]++;
    if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push({ id: error.id, video_path: error.video_path, error: error.error, kind });
    else this.errorsNotListed++;
  }

  /** Every failure recorded so far, by kind. */
  get failureKinds(): FailureKindCounts {
    return { ...this.errorsByKind };
  }

  toDict(): ProcessingStatsDict {
    return {
      total_videos: this.totalVideos,
      processed: this.processed,
      failed: this.failed,
      skipped: this.skipped,
      success_rate: this.successRate,
      total_time: this.totalTime,
      avg_time_per_video: this.avgTimePerVideo,
      errors: this.errors.slice(0, MAX_LISTED_ERRORS),
      errors_not_listed: this.errorsNotListed + Math.max(0, this.errors.length - MAX_LISTED_ERRORS),
      errors_by_kind: this.failureKinds,
    };
  }
}

/**
 * The checkpoint's state after a run, over every run of it: `processed` and `failed` count each
 * row's latest outcome, `skipped` the rows never processable (an empty path, a duplicate id),
 * `pending` the rows not settled yet. A run that resumed a finished job reports 0 processed itself
 * and the whole dataset here.
 */
export interface DatasetStatsDict {
  total_videos: number;
  processed: number;
  failed: number;
  skipped: number;
  pending: number;
  /** processed / total_videos; 0 for an empty dataset. */
  success_rate: number;
  /** The failed rows by the kind of their latest error; in the stats of a finished run or a merge, absent from progress. */
  errors_by_kind?: FailureKindCounts;
}

/** The statistics of a run (the spec's keys, for this run) with the dataset's state after it. */
export type RunStatsDict = ProcessingStatsDict & { dataset: DatasetStatsDict };

/** Dataset stats from the number of rows and the settled rows' counts by latest outcome (and the failed ones' kinds, when known). */
export function datasetStats(totalRows: number, settled: { processed: number; failed: number; skipped: number }, errorsByKind?: FailureKindCounts): DatasetStatsDict {
  const { processed, failed, skipped } = settled;
  return {
    total_videos: totalRows,
    processed,
    failed,
    skipped,
    pending: Math.max(0, totalRows - processed - failed - skipped),
    success_rate: totalRows > 0 ? processed / totalRows : 0,
    ...(errorsByKind ? { errors_by_kind: { ...errorsByKind } } : {}),
  };
}
