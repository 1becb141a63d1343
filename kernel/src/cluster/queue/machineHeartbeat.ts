import { EventEmitter } from 'node:events';
import type { ProcessorEventMap, ProgressSnapshot } from '../../processor/progressEvents';
import type { RunWorkers } from '../../processor/runWorkers';
import { hostName } from '../hostIdentity';
import type { MachineHeartbeat } from './queueProgress';

/** The rate is over this window: long enough to smooth chunk boundaries, short enough to follow a change. */
const RATE_WINDOW_MS = 20_000;

/**
 * What one queue worker tells about itself: the events of its chunk runs come here, and
 * `heartbeat()` sums them up for the job it works on.
 */
export class MachineTally extends EventEmitter<ProcessorEventMap> {
  private done = 0;
  private readonly samples: { at: number; done: number }[] = [];
  private lastSnapshot?: ProgressSnapshot;
  private chunkIndex?: number;

  constructor(private readonly numWorkers: number) {
    super();
    this.on('videoFinished', () => this.done++);
    this.on('progress', (snapshot) => (this.lastSnapshot = snapshot));
  }

  startChunk(index: number): void {
    this.chunkIndex = index;
    this.lastSnapshot = undefined;
  }

  endChunk(): void {
    this.chunkIndex = undefined;
  }

  heartbeat(workers: RunWorkers | undefined, now = Date.now()): MachineHeartbeat {
    this.samples.push({ at: now, done: this.done });
    while (this.samples.length > 2 && now - this.samples[0].at > RATE_WINDOW_MS) this.samples.shift();
    const oldest = this.samples[0];
    const videosPerSecond = now > oldest.at ? ((this.done - oldest.done) * 1000) / (now - oldest.at) : 0;
    const dataset = this.lastSnapshot?.dataset;
    return {
      host: hostName(),
      pid: process.pid,
      workers: this.numWorkers,
      done: this.done,
      videosPerSecond,
      framesPerSecond: { ...(this.lastSnapshot?.framesPerSecond ?? { cpu: 0, gpu: 0 }) },
      active: (workers?.activity() ?? []).filter((activity) => activity.videoId !== undefined).length,
      ...(this.chunkIndex !== undefined && dataset
        ? { chunk: { index: this.chunkIndex, settled: { processed: dataset.processed, failed: dataset.failed, skipped: dataset.skipped } } }
        : {}),
      at: now,
    };
  }
}
