/** What a BatchVideoProcessor and its processDataset take and give: a leaf module both the processor and its hosts read. */
import type { DecoderConfig, DecoderConfigOptions } from '../config/decoderConfig';
import type { ProcessFn } from '../builtins/builtinTasks';
import type { ResultRecords } from '../checkpoint/resultRecords';
import type { OutputFormat } from './outputFormat';
import type { RunStatsDict } from '../stats/processingStats';

export interface BatchVideoProcessorOptions {
  config?: DecoderConfig | DecoderConfigOptions;
  /** Decoding worker processes (default: CPU cores, at most 8). */
  numWorkers?: number;
  /**
   * The checkpoint file; default `<csv folder>/<csv name>.vbk-checkpoint.json`, or in a notebook
   * `<notebook name>.vbk-checkpoint/<csv name>.json` beside the notebook.
   */
  checkpointPath?: string;
  /** Per-video limit in seconds; a video past it is failed and its worker killed (default 600, 0 = none). */
  timeoutSeconds?: number;
  /** A worker above this resident memory after a video is replaced (default 2048 MiB). */
  maxWorkerMemoryMb?: number;
}

/** The shard limits of `outputFormat: 'webdataset'`. */
export interface WebDatasetOptions {
  maxShardBytes?: number;
  maxShardSamples?: number;
}

export interface ProcessDatasetOptions {
  csvPath: string;
  videoCol: string;
  idCol?: string;
  /** Default: 16 keyframes per video. Built-ins (`builtins.*`) run inside the workers. */
  processFn?: ProcessFn;
  /** Where processing_results.json, .parquet, processing_stats.json and the frames go. */
  outputDir?: string;
  /**
   * `files` (default): JPEGs in `<outputDir>/<built-in>/<id>/`. `webdataset`: one sample per
   * processed video (`<key>.json`, `<key>.0000.jpg`, ...) in tar shards under `<outputDir>/shards/`.
   */
  outputFormat?: OutputFormat;
  /** How large WebDataset shards grow: `maxShardBytes` (default 1 GiB), `maxShardSamples` (default 10,000). */
  webdataset?: WebDatasetOptions;
  /** Rewrite the results file at most every this many finished videos (default 100). */
  saveInterval?: number;
  /** Re-run videos that failed in an earlier run of this checkpoint. */
  retryFailed?: boolean;
  /** Move an existing checkpoint (damaged, or another job's) aside and start over instead of resuming. */
  fresh?: boolean;
  /** Aborting stops the workers, ending their decodes; the checkpoint stays valid for a resume. */
  signal?: AbortSignal;
  /**
   * Process only the rows r with (r - 1) mod count == index (one of `count` static shards, for a
   * cluster scheduler's array job). Needs `outputDir`, which the shards share: each keeps its
   * checkpoint and results in `<outputDir>/shard-<index>-of-<count>/`; `merge` joins them.
   */
  shard?: { index: number; count: number };
  /**
   * Run on a job queue instead of here: the job is submitted to BullMQ on this Redis (in chunks of
   * `chunkRows` rows, default 128), `video-batch-kernel worker` processes on any machines that
   * reach `outputDir` run it, and this call shows their progress and returns the merged results.
   * Needs a built-in `processFn` and an `outputDir` on storage every worker shares.
   */
  cluster?: { redis: string; queue?: string; chunkRows?: number };
}

export interface ProcessingResults {
  /** This run's statistics (total_videos, processed, failed, skipped, success_rate, ...) and `dataset`, the whole job's state. */
  stats: RunStatsDict;
  /**
   * Every row's record, this run's and earlier runs', in CSV order, read from the checkpoint as
   * asked for: iterate it (`for`, `for await`), `page(offset, count)`, `withStatus('failed')`, or
   * `toArray()` for a small job.
   */
  records: ResultRecords;
  checkpointPath: string;
  outputDir?: string;
  /** The run was cancelled before every video was settled; running it again resumes. */
  interrupted: boolean;
}
