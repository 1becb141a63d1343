import type { EventEmitter } from 'node:events';
import { builtinTaskOf, type BuiltinTask, type ProcessFn } from '../builtins/builtinTasks';
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { ResultsWriter } from '../checkpoint/resultsWriter';
import { readVideoRows, type VideoRow } from '../csv/videoRows';
import type { JobOutcome, WorkerActivity } from '../pool/workerPool';
import { DEFAULT_SAVE_INTERVAL } from '../processingDefaults';
import { ProcessingStats } from '../stats/processingStats';
import { VideoLoader } from '../video/videoLoader';
import type { ProcessDatasetOptions, ProcessingResults } from './processingOptions';
import type { ProcessorEventMap } from './progressEvents';
import { missingVideo, outcomeRecord, skippedRecord } from './rowRecords';
import { RunProgress } from './runProgress';
import type { RunWorkers } from './runWorkers';

/** How often progress is emitted while nothing finishes, so per-worker displays stay current. */
const PROGRESS_TICK_MS = 1000;

/** One processDataset call once its checkpoint is open: what it reads, where it writes, who decodes. */
export interface DatasetJob extends ProcessDatasetOptions {
  processFn: ProcessFn;
  total: number;
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
  private settledThisRun = 0;
  private interrupted = false;

  constructor(
    private readonly job: DatasetJob,
    private readonly workers: RunWorkers,
    private readonly events: EventEmitter<ProcessorEventMap>,
  ) {
    this.progress = new RunProgress(job.total);
    this.stats = new ProcessingStats({ totalVideos: job.total });
    this.saveInterval = job.saveInterval ?? DEFAULT_SAVE_INTERVAL;
    this.results = job.outputDir ? new ResultsWriter(job.outputDir, { saveInterval: this.saveInterval }) : undefined;
    this.task = builtinTaskOf(job.processFn);
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
    // Rows left to run: the workers start now, while the CSV is read to the first of them, rather
    // than after (a failure to start comes back to that row). A finished job starts none.
    if (checkpoint.settledCount < this.job.total || (this.job.retryFailed && checkpoint.counts.failed > 0)) this.workers.get().catch(() => undefined);
    const ticker = setInterval(() => this.emitProgress(), PROGRESS_TICK_MS);
    this.events.emit('start', { total: this.job.total, alreadyDone: checkpoint.settledCount, checkpointPath: this.job.checkpointPath });
    try {
      await this.processRows();
    } finally {
      clearInterval(ticker);
      signal?.removeEventListener('abort', onAbort);
      await this.workers.close();
    }
    this.emitProgress();
    return this.finish();
  }

  private async processRows(): Promise<void> {
    const { checkpoint } = this.job;
    const inFlight = new Set<Promise<void>>();
    for await (const row of readVideoRows(this.job.csvPath, { videoCol: this.job.videoCol, idCol: this.job.idCol })) {
      if (this.interrupted) break;
      const earlier = checkpoint.statusOf(row);
      if (earlier && (earlier !== 'failed' || !this.job.retryFailed)) {
        this.progress.countResumed();
        continue;
      }
      if (row.problem) {
        await this.settle(row, skippedRecord(row));
        continue;
      }
      const work = this.processRow(row).finally(() => inFlight.delete(work));
      inFlight.add(work);
      if (inFlight.size >= this.job.maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
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
    const outcome = await (await this.workers.get()).run({
      videoPath: row.videoPath,
      videoId: row.id,
      outputDir,
      task: this.task,
      onStart: (workerId) => this.events.emit('videoStarted', { id: row.id, videoPath: row.videoPath, workerId }),
      useSource: this.task
        ? undefined
        : async (source) => processFn(new VideoLoader({ videoId: row.id, videoPath: row.videoPath, outputDir }, async () => source)),
    });
    if (outcome.cancelled) return; // not an outcome: the resume runs it again
    await this.settle(row, outcomeRecord({ id: row.id, video_path: row.videoPath, time: outcome.seconds }, outcome), outcome);
  }

  private async settle(row: VideoRow, record: ProcessingRecord, outcome?: JobOutcome): Promise<void> {
    const { checkpoint } = this.job;
    await checkpoint.append(row, record);
    this.progress.countFinished(record.status, outcome?.device, outcome?.framesDecoded ?? 0);
    if (record.status === 'failed') this.stats.addError({ id: record.id, video_path: record.video_path, error: record.error ?? '' });
    this.events.emit('videoFinished', { record, device: outcome?.device, workerId: outcome?.workerId });
    this.emitProgress();
    this.settledThisRun++;
    if (this.results) await this.results.maybeWrite(checkpoint);
    else if (this.settledThisRun % this.saveInterval === 0) await checkpoint.saveManifest();
  }

  private emitProgress(): void {
    this.events.emit('progress', this.progress.snapshot(this.workers.activity()));
  }

  private async finish(): Promise<ProcessingResults> {
    const { progress, job } = this;
    Object.assign(this.stats, { processed: progress.processed, failed: progress.failed, skipped: progress.skipped, totalTime: progress.elapsedSeconds });
    const stats = this.stats.toDict();
    await this.results?.writeFinal(job.checkpoint, stats);
    return { stats, records: job.checkpoint.records(), checkpointPath: job.checkpointPath, outputDir: job.outputDir, interrupted: this.interrupted };
  }
}
