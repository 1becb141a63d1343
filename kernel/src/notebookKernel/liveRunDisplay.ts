import type { EventEmitter } from 'node:events';
import type { Display } from '../display/display';
import { PROGRESS_ERRORS_LISTED, type DeviceInUse, type ProgressOutput, type RunState } from '../display/notebookOutputs';
import { progressOutput } from '../display/progressOutput';
import type { ProcessorEventMap, ProgressSnapshot } from '../processor/progressEvents';
import { failureKind, noFailures } from '../stats/failureKinds';
import { datasetStats, type DatasetStatsDict, type ProcessingError } from '../stats/processingStats';
import type { DeviceChoice } from '../config/decoderConfig';

/** About ten updates a second: smooth to watch, and cheap for the notebook to store and redraw. */
const UPDATE_INTERVAL_MS = 100;

/**
 * The live progress output of one processing run in a cell: it follows the processor's events,
 * coalesces them into at most one update per UPDATE_INTERVAL_MS, and writes the final state once.
 */
export class LiveRunDisplay {
  private snapshot: ProgressSnapshot | undefined;
  private readonly errors: ProcessingError[] = [];
  private errorsNotListed = 0;
  /** Every failure by kind, also beyond the ones listed. */
  private readonly errorsByKind = noFailures();
  private readonly videoPaths = new Map<string, string>();
  private device: DeviceInUse;
  private lastSentAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  private reading?: ProgressOutput['reading'];

  constructor(
    processor: EventEmitter<ProcessorEventMap>,
    requestedDevice: DeviceChoice,
    private readonly display: Display,
    private readonly onOutput: (progress: ProgressOutput) => void = () => undefined,
  ) {
    this.device = { device: requestedDevice === 'cpu' ? 'cpu' : 'gpu' };
    processor.on('reading', ({ bytesRead, totalBytes }) => {
      this.reading = { bytesRead, totalBytes };
      this.snapshot ??= emptySnapshot(0, datasetStats(0, { processed: 0, failed: 0, skipped: 0 }));
      this.schedule();
    });
    processor.on('start', ({ total, dataset }) => {
      this.reading = undefined;
      if (!this.snapshot || this.snapshot.total === 0) this.snapshot = emptySnapshot(total, dataset);
      this.schedule();
    });
    processor.on('progress', (snapshot) => {
      this.snapshot = snapshot;
      this.schedule();
    });
    processor.on('videoStarted', ({ id, videoPath }) => this.videoPaths.set(id, videoPath));
    processor.on('videoFinished', ({ record, device }) => {
      this.videoPaths.delete(record.id);
      if (device && !this.device.fallbackReason) this.device = { device };
      if (record.status !== 'failed') return;
      this.errorsByKind[failureKind(record.error ?? '')]++;
      if (this.errors.length < PROGRESS_ERRORS_LISTED) this.errors.push({ id: record.id, video_path: record.video_path, error: record.error ?? '' });
      else this.errorsNotListed++;
    });
    processor.on('device', ({ device, reason }) => {
      this.device = device === 'cpu' && reason ? { device, fallbackReason: reason } : { device };
    });
  }

  /** The final state, written once; later events change nothing. */
  end(state: Exclude<RunState, 'running'>, message?: string): ProgressOutput | undefined {
    if (this.ended) return undefined;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    return this.send(state, message);
  }

  private schedule(): void {
    if (this.ended || this.timer) return;
    const wait = this.lastSentAt + UPDATE_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.send('running');
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.ended) this.send('running');
    }, wait);
  }

  private send(state: RunState, message?: string): ProgressOutput | undefined {
    if (!this.snapshot) return undefined;
    this.lastSentAt = performance.now();
    const output = progressOutput(this.snapshot, {
      state,
      device: this.device,
      errors: this.errors,
      errorsNotListed: this.errorsNotListed,
      errorsByKind: this.errorsByKind,
      videoPaths: this.videoPaths,
      ...(message === undefined ? {} : { message }),
      ...(this.reading && state === 'running' ? { reading: this.reading } : {}),
    });
    this.display.progress(output);
    this.onOutput(output);
    return output;
  }
}

/** Before the first progress event: nothing settled by this run, the dataset as earlier runs left it. */
function emptySnapshot(total: number, dataset: DatasetStatsDict): ProgressSnapshot {
  return {
    total,
    done: 0,
    processed: 0,
    failed: 0,
    skipped: 0,
    elapsedSeconds: 0,
    videosPerSecond: 0,
    etaSeconds: null,
    framesPerSecond: { cpu: 0, gpu: 0 },
    workers: [],
    dataset,
  };
}
