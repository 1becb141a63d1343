/** One failed video, as the statistics list it. */
export interface ProcessingError {
  id: string;
  video_path: string;
  error: string;
}

/** The spec's statistics dict, snake_case for the JSON files Python tooling reads. */
export interface ProcessingStatsDict {
  total_videos: number;
  processed: number;
  failed: number;
  skipped: number;
  success_rate: number;
  total_time: number;
  avg_time_per_video: number;
  errors: ProcessingError[];
  /** Failures beyond the first MAX_LISTED_ERRORS, counted but not listed. */
  errors_not_listed: number;
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

/** Statistics of one run (the spec's ProcessingStats). */
export class ProcessingStats {
  totalVideos: number;
  processed: number;
  failed: number;
  skipped: number;
  totalTime: number;
  errors: ProcessingError[];

  constructor(init: ProcessingStatsInit = {}) {
    this.totalVideos = init.totalVideos ?? 0;
    this.processed = init.processed ?? 0;
    this.failed = init.failed ?? 0;
    this.skipped = init.skipped ?? 0;
    this.totalTime = init.totalTime ?? 0;
    this.errors = init.errors ?? [];
  }

  /** processed / total_videos, as in the spec's example (90 of 100 with 5 failed, 5 skipped: 0.9). */
  get successRate(): number {
    return this.totalVideos > 0 ? this.processed / this.totalVideos : 0;
  }

  /** Seconds per video this run settled (processed or failed); 0 when it settled none. */
  get avgTimePerVideo(): number {
    const settled = this.processed + this.failed;
    return settled > 0 ? this.totalTime / settled : 0;
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
      errors_not_listed: Math.max(0, this.errors.length - MAX_LISTED_ERRORS),
    };
  }
}
