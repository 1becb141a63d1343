import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { builtinTaskOf, builtins, type ProcessFn } from '../builtins/builtinTasks';
import { DecoderConfig, type DecoderConfigOptions } from '../config/decoderConfig';
import { errorText } from '../errorText';
import { DEFAULT_SAVE_INTERVAL, DEFAULT_TIMEOUT_SECONDS, defaultWorkerCount } from '../processingDefaults';
import { WorkerPool, type JobOutcome, type WorkerActivity } from '../pool/workerPool';
import { VideoLoader } from '../video/videoLoader';
import { toJsonValue } from './jsonRecord';
import { processingFingerprint } from './processingFingerprint';
import type { ProcessorEventMap } from './progressEvents';
import { RunProgress } from './runProgress';
import { runEnvironment } from './runEnvironment';
import { openCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';
import { datasetFingerprint } from '../checkpoint/datasetFingerprint';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { ResultsWriter } from '../checkpoint/resultsWriter';
import { countVideoRows, readVideoRows, type VideoRow } from '../csv/videoRows';
import { checkBackendAvailable } from '../decode/openVideoSource';
import { chooseRunDevice, describeRunDevice } from '../device/runDevice';
import { ProcessingStats, type ProcessingStatsDict } from '../stats/processingStats';

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

export interface ProcessDatasetOptions {
  csvPath: string;
  videoCol: string;
  idCol?: string;
  /** Default: 16 keyframes per video. Built-ins (`builtins.*`) run inside the workers. */
  processFn?: ProcessFn;
  /** Where processing_results.json, processing_stats.json and the JPEGs go. */
  outputDir?: string;
  /** Rewrite the results file at most every this many finished videos (default 100). */
  saveInterval?: number;
  /** Re-run videos that failed in an earlier run of this checkpoint. */
  retryFailed?: boolean;
  /** Move an existing checkpoint (damaged, or another job's) aside and start over instead of resuming. */
  fresh?: boolean;
  /** Aborting stops the workers, ending their decodes; the checkpoint stays valid for a resume. */
  signal?: AbortSignal;
}

export interface ProcessingResults {
  /** The spec's statistics: total_videos, processed, failed, skipped, success_rate, ... */
  stats: ProcessingStatsDict;
  /** Every row's record, this run's and earlier runs', in CSV order. */
  records: ProcessingRecord[];
  checkpointPath: string;
  outputDir?: string;
  /** The run was cancelled before every video was settled; running it again resumes. */
  interrupted: boolean;
}

const DEFAULT_MAX_WORKER_MEMORY_MB = 2048;
/** How often progress is emitted while nothing finishes, so per-worker displays stay current. */
const PROGRESS_TICK_MS = 1000;

/** Processes every video of a CSV with a processing function, in worker processes, with resume. */
export class BatchVideoProcessor extends EventEmitter<ProcessorEventMap> {
  readonly config: DecoderConfig;
  readonly numWorkers: number;
  readonly checkpointPath?: string;
  readonly timeoutSeconds: number;
  readonly maxWorkerMemoryMb: number;
  private activePool?: WorkerPool;

  constructor(options: BatchVideoProcessorOptions = {}) {
    super();
    this.config = options.config instanceof DecoderConfig ? options.config : new DecoderConfig(options.config);
    this.numWorkers = options.numWorkers ?? runEnvironment().defaults.numWorkers ?? defaultWorkerCount();
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 1) {
      throw new RangeError(`numWorkers must be a whole number >= 1, got ${options.numWorkers}`);
    }
    this.checkpointPath = options.checkpointPath;
    this.timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    this.maxWorkerMemoryMb = options.maxWorkerMemoryMb ?? DEFAULT_MAX_WORKER_MEMORY_MB;
  }

  /** The decoding workers of the run in progress and the video each is on. */
  workerActivity(): WorkerActivity[] {
    return this.activePool?.activity() ?? [];
  }

  async processDataset(options: ProcessDatasetOptions): Promise<ProcessingResults> {
    const environment = runEnvironment();
    const csvPath = path.resolve(options.csvPath);
    const processFn = options.processFn ?? builtins.keyframes();
    const outputDirOption = options.outputDir ?? environment.outputDirFor(csvPath);
    const outputDir = outputDirOption === undefined ? undefined : path.resolve(outputDirOption);
    const checkpointPath = path.resolve(this.checkpointPath ?? environment.checkpointPathFor(csvPath));
    const attachment = environment.attach({ processor: this, device: this.config.device, csvPath, checkpointPath, outputDir });
    const signals = [options.signal, attachment.signal].filter((signal) => signal !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let results: ProcessingResults;
    try {
      const columns = { videoCol: options.videoCol, idCol: options.idCol };
      checkBackendAvailable(this.config);
      const total = await countVideoRows(csvPath, columns);
      const checkpoint = await openCheckpoint(checkpointPath, {
        datasetFingerprint: await datasetFingerprint(csvPath, columns),
        processingFingerprint: processingFingerprint(processFn),
        datasetLocation: { csvPath, totalRows: total },
      }, { fresh: options.fresh });
      try {
        results = await this.run({ ...options, csvPath, outputDir, processFn, signal, total, checkpoint, checkpointPath });
      } finally {
        await checkpoint.close();
      }
    } catch (error) {
      attachment.finished({ error });
      throw error;
    }
    // Only now, with the checkpoint closed and unlocked: a host that starts the next run when it
    // hears this one end (a cell run again after an interrupt) must find the checkpoint free.
    attachment.finished({ results });
    return results;
  }

  private async run(job: ProcessDatasetOptions & { processFn: ProcessFn; total: number; checkpoint: Checkpoint; checkpointPath: string }): Promise<ProcessingResults> {
    const { checkpoint, outputDir, signal } = job;
    const progress = new RunProgress(job.total);
    const saveInterval = job.saveInterval ?? DEFAULT_SAVE_INTERVAL;
    const results = outputDir ? new ResultsWriter(outputDir, { saveInterval }) : undefined;
    const task = builtinTaskOf(job.processFn);
    let pool: WorkerPool | undefined;
    let poolStarting: Promise<WorkerPool> | undefined;
    // The first video that needs a worker starts the pool, after the device is chosen (a real
    // decode): a run that only resumes over finished rows opens no GPU and starts no process.
    const startPool = (): Promise<WorkerPool> =>
      (poolStarting ??= (async () => {
        const choice = await chooseRunDevice(this.config.device, this.config.gpuIds);
        this.emit('device', choice);
        if (choice.requested !== 'cpu') this.emit('log', describeRunDevice(choice));
        pool = this.activePool = new WorkerPool({
          size: this.numWorkers,
          settings: { ...this.config.toSettings(), device: choice.device, gpuIds: choice.gpuIds },
          timeoutMs: this.timeoutSeconds * 1000,
          maxWorkerRssBytes: this.maxWorkerMemoryMb * 2 ** 20,
          log: (line) => this.emit('log', line),
        });
        if (interrupted) void pool.cancel();
        return pool;
      })());
    const emitProgress = () => this.emit('progress', progress.snapshot(pool?.activity() ?? []));
    const ticker = setInterval(emitProgress, PROGRESS_TICK_MS);
    const inFlight = new Set<Promise<void>>();
    // More rows in flight than workers: the pool queues them, and cheap rows (a function that opens
    // no video, a missing file) then share journal fsyncs instead of paying one each.
    const maxInFlight = this.numWorkers * 4 + 16;
    let interrupted = false;
    const onAbort = () => {
      interrupted = true;
      void pool?.cancel();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    const stats = new ProcessingStats({ totalVideos: job.total });
    let settledThisRun = 0;
    const settle = async (row: VideoRow, record: ProcessingRecord, outcome?: JobOutcome): Promise<void> => {
      await checkpoint.append(row, record);
      progress.countFinished(record.status, outcome?.device, outcome?.framesDecoded ?? 0);
      if (record.status === 'failed') stats.addError({ id: record.id, video_path: record.video_path, error: record.error ?? '' });
      this.emit('videoFinished', { record, device: outcome?.device, workerId: outcome?.workerId });
      emitProgress();
      settledThisRun++;
      if (results) await results.maybeWrite(checkpoint);
      else if (settledThisRun % saveInterval === 0) await checkpoint.saveManifest();
    };

    const processRow = async (row: VideoRow): Promise<void> => {
      const started = performance.now();
      const missing = await stat(row.videoPath).then(
        (info) => (info.isFile() ? undefined : `not a file: ${row.videoPath}`),
        () => `file not found: ${row.videoPath}`,
      );
      if (missing) {
        this.emit('videoStarted', { id: row.id, videoPath: row.videoPath });
        const time = (performance.now() - started) / 1000;
        await settle(row, { id: row.id, video_path: row.videoPath, status: 'failed', error: missing, time });
        return;
      }
      const outcome = await (await startPool()).run({
        videoPath: row.videoPath,
        videoId: row.id,
        outputDir,
        task,
        onStart: (workerId) => this.emit('videoStarted', { id: row.id, videoPath: row.videoPath, workerId }),
        useSource: task
          ? undefined
          : async (source) => job.processFn(new VideoLoader({ videoId: row.id, videoPath: row.videoPath, outputDir }, async () => source)),
      });
      if (outcome.cancelled) return; // not an outcome: the resume runs it again
      const video = { id: row.id, video_path: row.videoPath, time: outcome.seconds };
      await settle(row, outcomeRecord(video, outcome), outcome);
    };

    this.emit('start', { total: job.total, alreadyDone: checkpoint.settledCount, checkpointPath: job.checkpointPath });
    try {
      for await (const row of readVideoRows(job.csvPath, { videoCol: job.videoCol, idCol: job.idCol })) {
        if (interrupted) break;
        const earlier = checkpoint.statusOf(row);
        if (earlier && (earlier !== 'failed' || !job.retryFailed)) {
          progress.countResumed();
          continue;
        }
        if (row.problem) {
          await settle(row, { id: row.id, video_path: row.rawPath, status: 'skipped', error: describeRowProblem(row), time: 0 });
          continue;
        }
        const work = processRow(row).finally(() => inFlight.delete(work));
        inFlight.add(work);
        if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      clearInterval(ticker);
      signal?.removeEventListener('abort', onAbort);
      await poolStarting;
      await pool?.close();
      this.activePool = undefined;
    }
    emitProgress();

    Object.assign(stats, { processed: progress.processed, failed: progress.failed, skipped: progress.skipped, totalTime: progress.elapsedSeconds });
    const statsDict = stats.toDict();
    await results?.writeFinal(checkpoint, statsDict);
    return { stats: statsDict, records: checkpoint.records(), checkpointPath: job.checkpointPath, outputDir, interrupted };
  }
}

/** A worker's outcome as a record (keys in DESIGN.md's order): its result as plain JSON, or why it failed. */
function outcomeRecord(video: Pick<ProcessingRecord, 'id' | 'video_path' | 'time'>, outcome: JobOutcome): ProcessingRecord {
  const { id, video_path, time } = video;
  if (outcome.error !== undefined) return { id, video_path, status: 'failed', error: outcome.error, time };
  try {
    return { id, video_path, status: 'processed', result: toJsonValue(outcome.result), time };
  } catch (error) {
    return { id, video_path, status: 'failed', error: `the processing function's result is not JSON: ${errorText(error)}`, time };
  }
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
