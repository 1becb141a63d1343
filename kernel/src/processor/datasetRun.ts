import type { EventEmitter } from 'node:events';
import { builtinTaskOf, type BuiltinTask, type ProcessFn } from '../builtins/builtinTasks';
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { ResultsWriter } from '../checkpoint/resultsWriter';
import { WebDatasetSink } from '../outputs/webdataset/webdatasetSink';
import type { VideoRow } from '../csv/videoRows';
import type { WorkerActivity } from '../pool/workerPool';
import { DEFAULT_SAVE_INTERVAL } from '../processingDefaults';
import { datasetStats, ProcessingStats, type DatasetStatsDict } from '../stats/processingStats';
import type { ProcessDatasetOptions, ProcessingResults } from './processingOptions';
import type { ProcessorEventMap } from './progressEvents';
import { missingVideo, outcomeRecord, skippedRecord } from './rowRecords';
import { ConcurrencyLimit } from './concurrencyLimit';
import { DEFAULT_OUTPUT_FORMAT, partJpegs, taskForFormat } from './outputFormat';
import { runInParent, type RowOutcome } from './parentRun';
import { RunProgress } from './runProgress';
import type { RunWorkers } from './runWorkers';

/** How often progress is emitted while nothing finishes, so per-worker displays stay current. */
const PROGRESS_TICK_MS = 1000;
/**
 * Progress after a settled video at most this often: smooth for any display, while a run of a
 * million cheap rows does not build a million snapshots.
 */
const PROGRESS_EVENT_MS = 50;

/** One processDataset call once its checkpoint is open: what it reads, where it writes, who decodes. */
export interface DatasetJob extends ProcessDatasetOptions {
  processFn: ProcessFn;
  /** The rows this run covers, in CSV order (each call reads them anew). */
  rows: () => AsyncIterable<VideoRow>;
  /** How many that is. */
  total: number;
  /** Where the results files and WebDataset tars go; frames in JPEG folders go to `outputDir`. */
  resultsDir?: string;
  /** False: no results files in `resultsDir` (a queue chunk's records are read from its journal by the merge). */
  resultsFiles?: boolean;
  /** The workers outlive the run (a queue worker's pool serves chunk after chunk): the run does not close them. */
  keepWorkers?: boolean;
  checkpoint: Checkpoint;
  checkpointPath: string;
  /** Rows kept in flight at once (more than workers: cheap rows then share journal fsyncs). */
  maxInFlight: number;
}

/**
 * One run over a dataset: rows in CSV order, those the checkpoint has settled passed over, the
 * rest to the workers; every outcome to the checkpoint's journal before it counts, then to the
 * events, the progress and the results file.
 */
export class DatasetRun {
  private readonly progress: RunProgress;
  private readonly stats: ProcessingStats;
  private readonly results?: ResultsWriter;
  private readonly saveInterval: number;
  private readonly task?: BuiltinTask;
  private sink?: WebDatasetSink;
  /** A function that runs here runs for as many videos at once as there are workers, as a built-in would. */
  private readonly functionsRunning: ConcurrencyLimit;
  private settledThisRun = 0;
  private interrupted = false;
  private lastProgressAt = -Infinity;

  constructor(
    private readonly job: DatasetJob,
    private readonly workers: RunWorkers,
    private readonly events: EventEmitter<ProcessorEventMap>,
  ) {
    this.progress = new RunProgress(job.total);
    this.stats = new ProcessingStats({ totalVideos: job.total });
    this.saveInterval = job.saveInterval ?? DEFAULT_SAVE_INTERVAL;
    this.results = job.resultsDir && job.resultsFiles !== false
      ? new ResultsWriter(job.resultsDir, { saveInterval: this.saveInterval, onWritten: (written) => this.events.emit('resultsWritten', written) })
      : undefined;
    this.functionsRunning = new ConcurrencyLimit(workers.size);
    this.task = taskForFormat(builtinTaskOf(job.processFn), job.outputFormat ?? DEFAULT_OUTPUT_FORMAT);
  }

  activity(): WorkerActivity[] {
    return this.workers.activity();
  }

  async execute(): Promise<ProcessingResults> {
    const { signal, checkpoint } = this.job;
    const onAbort = () => {
      this.interrupted = true;
      this.workers.cancel();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    // A built-in with rows left to run: the workers start now, while the CSV is read to the first of
    // them, rather than after (a failure to start comes back to that row). A finished job starts
    // none, nor does a function that runs here until it opens a video.
    const rowsLeft = checkpoint.settledCount < this.job.total || (this.job.retryFailed && checkpoint.counts.failed > 0);
    if (this.task && rowsLeft) this.workers.get().catch(() => undefined);
    const ticker = setInterval(() => this.emitProgress(), PROGRESS_TICK_MS);
    this.events.emit('start', { total: this.job.total, alreadyDone: checkpoint.settledCount, checkpointPath: this.job.checkpointPath, dataset: this.datasetProgress() });
    let sinkClosed = false;
    try {
      this.sink = await this.openSink();
      await this.processRows();
      // Only a run that settled every row completes its open shard; an interrupted one leaves it partial for the resume.
      if (this.interrupted) await this.sink?.close();
      else await this.sink?.finish();
      sinkClosed = true;
    } finally {
      clearInterval(ticker);
      signal?.removeEventListener('abort', onAbort);
      if (!this.job.keepWorkers) await this.workers.close();
      if (!sinkClosed) await this.sink?.close();
    }
    this.emitProgress();
    return this.finish();
  }

  private openSink(): Promise<WebDatasetSink | undefined> {
    const { outputFormat, resultsDir, checkpoint } = this.job;
    if (outputFormat !== 'webdataset' || resultsDir === undefined) return Promise.resolve(undefined);
    return WebDatasetSink.open(resultsDir, this.job.webdataset ?? {}, checkpoint.lastSample, (entries) => checkpoint.appendAll(entries));
  }

  private async processRows(): Promise<void> {
    const { checkpoint } = this.job;
    const inFlight = new Set<Promise<void>>();
    // One waiter woken when a row ends: racing every row in flight each time would attach a
    // handler per waiting row to each of them, quadratic in maxInFlight.
    let wakeWhenOneEnds: (() => void) | undefined;
    // A row that fails to settle (the disk is full, say) ends the run, as soon as it is seen.
    let failure: { error: unknown } | undefined;
    for await (const row of this.job.rows()) {
      if (this.interrupted || failure) break;
      const earlier = checkpoint.statusOf(row);
      if (earlier && (earlier !== 'failed' || !this.job.retryFailed)) {
        this.progress.countResumed();
        continue;
      }
      if (row.problem) {
        await this.settle(row, skippedRecord(row));
        continue;
      }
      const work = this.processRow(row)
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => {
          inFlight.delete(work);
          wakeWhenOneEnds?.();
        });
      inFlight.add(work);
      if (inFlight.size >= this.job.maxInFlight) await new Promise<void>((resolve) => (wakeWhenOneEnds = resolve));
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
  }

  private async processRow(row: VideoRow): Promise<void> {
    const started = performance.now();
    const missing = await missingVideo(row.videoPath);
    if (missing) {
      this.events.emit('videoStarted', { id: row.id, videoPath: row.videoPath });
      await this.settle(row, { id: row.id, video_path: row.videoPath, status: 'failed', error: missing, time: (performance.now() - started) / 1000 });
      return;
    }
    const { outputDir, processFn } = this.job;
    const onStart = (workerId: number) => this.events.emit('videoStarted', { id: row.id, videoPath: row.videoPath, workerId });
    const video = { videoId: row.id, videoPath: row.videoPath, outputDir };
    let outcome: RowOutcome;
    if (this.task) {
      outcome = await (await this.workers.get()).run({ ...video, task: this.task, onStart });
    } else {
      outcome = await this.functionsRunning.run(() => {
        this.events.emit('videoStarted', { id: row.id, videoPath: row.videoPath });
        return runInParent(this.workers, { ...video, processFn, onStart: () => undefined });
      });
    }
    if (outcome.cancelled) return; // not an outcome: the resume runs it again
    const { result, jpegs } = partJpegs(outcome.result);
    await this.settle(row, outcomeRecord({ id: row.id, video_path: row.videoPath, time: outcome.seconds }, { ...outcome, result }), outcome, jpegs);
  }

  /** Journals the row (through the shards when it has a sample), then counts, reports and saves it. */
  private async settle(row: VideoRow, record: ProcessingRecord, outcome?: RowOutcome, jpegs: readonly Uint8Array[] = []): Promise<void> {
    const { checkpoint } = this.job;
    if (this.sink && record.status === 'processed') await this.sink.add({ row, record: WebDatasetSink.keyedRecord(record) }, jpegs);
    else await checkpoint.append(row, record);
    this.progress.countFinished(record.status, outcome?.device, outcome?.framesDecoded ?? 0);
    if (record.status === 'failed') this.stats.addError({ id: record.id, video_path: record.video_path, error: record.error ?? '' });
    this.events.emit('videoFinished', { record, device: outcome?.device, workerId: outcome?.workerId });
    if (performance.now() - this.lastProgressAt >= PROGRESS_EVENT_MS) this.emitProgress();
    this.settledThisRun++;
    if (this.results) await this.results.maybeWrite(checkpoint);
    else if (this.settledThisRun % this.saveInterval === 0) await checkpoint.saveManifest();
  }

  private emitProgress(): void {
    this.lastProgressAt = performance.now();
    this.events.emit('progress', this.progress.snapshot(this.workers.activity(), this.datasetProgress()));
  }

  private datasetProgress(): DatasetStatsDict {
    return datasetStats(this.job.total, this.job.checkpoint.counts);
  }

  private async finish(): Promise<ProcessingResults> {
    const { progress, job } = this;
    Object.assign(this.stats, { processed: progress.processed, failed: progress.failed, skipped: progress.skipped, totalTime: progress.elapsedSeconds });
    const stats = { ...this.stats.toDict(), dataset: datasetStats(job.total, job.checkpoint.counts, job.checkpoint.failureKinds) };
    // A run whose checkpoint was taken over leaves the results to the run that took it.
    if (!job.checkpoint.leaseLost.aborted) await this.results?.writeFinal(job.checkpoint, stats);
    return { stats, records: job.checkpoint.records, checkpointPath: job.checkpointPath, outputDir: job.resultsDir, interrupted: this.interrupted };
  }
}
