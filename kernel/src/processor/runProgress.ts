import type { WorkerActivity } from '../pool/workerPool';
import type { DecodeDevice } from '../video/videoTypes';
import type { DatasetStatsDict } from '../stats/processingStats';
import type { ProgressSnapshot } from './progressEvents';

/** Counts of one run, and the rates and ETA derived from them. */
export class RunProgress {
  processed = 0;
  failed = 0;
  skipped = 0;
  private finishedThisRun = 0;
  private readonly frames: Record<DecodeDevice, number> = { cpu: 0, gpu: 0 };
  private readonly startedAt = performance.now();

  constructor(public total: number) {}

  get elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  countFinished(status: 'processed' | 'failed' | 'skipped', device: DecodeDevice | undefined, framesDecoded: number): void {
    this[status]++;
    this.finishedThisRun++;
    if (device) this.frames[device] += framesDecoded;
  }

  /** A video settled by an earlier run: skipped by this one, and not part of its rate. */
  countResumed(): void {
    this.skipped++;
  }

  snapshot(workers: WorkerActivity[], dataset: DatasetStatsDict): ProgressSnapshot {
    const elapsedSeconds = this.elapsedSeconds;
    const done = this.processed + this.failed + this.skipped;
    const videosPerSecond = elapsedSeconds > 0 ? this.finishedThisRun / elapsedSeconds : 0;
    const left = Math.max(0, this.total - done);
    return {
      total: this.total,
      done,
      processed: this.processed,
      failed: this.failed,
      skipped: this.skipped,
      elapsedSeconds,
      videosPerSecond,
      etaSeconds: left === 0 ? 0 : videosPerSecond > 0 ? left / videosPerSecond : null,
      framesPerSecond: {
        cpu: elapsedSeconds > 0 ? this.frames.cpu / elapsedSeconds : 0,
        gpu: elapsedSeconds > 0 ? this.frames.gpu / elapsedSeconds : 0,
      },
      workers,
      dataset,
    };
  }
}
