/** The outcome of one CSV row, as processing_results.json and the journal hold it (snake_case keys). */
export interface ProcessingRecord {
  id: string;
  video_path: string;
  status: 'processed' | 'failed' | 'skipped';
  result?: unknown;
  error?: string;
  /** Seconds this row took. */
  time: number;
}
