import type { SourceSettings } from '../decode/sourceOptions';
import type { BuiltinTask } from '../builtins/builtinTasks';
import { errorText } from '../errorText';
import type { OpenedVideoSource } from '../decode/sourceOptions';
import type { DecodeDevice, FrameRequest, VideoFrame, VideoMetadata } from '../video/videoTypes';
import type { CallResult, SourceCall, WorkerReport } from '../worker/workerProtocol';
import { WorkerProcess } from './workerProcess';
import { isStorageFullCode, StorageFullError } from '../checkpoint/storageFull';
import { idCounter, PendingRequests } from '../pendingRequests';

export interface PoolOptions {
  size: number;
  settings: SourceSettings;
  /** Per-video limit; past it the worker is killed with its decode. 0: none. */
  timeoutMs: number;
  /** A worker whose resident memory exceeds this after a video is replaced before the next one. */
  maxWorkerRssBytes: number;
  log?: (message: string) => void;
}

export interface VideoJob {
  videoPath: string;
  videoId: string;
  outputDir?: string;
  /** A built-in runs entirely in the worker; without one, `useSource` runs here on a proxy. */
  task?: BuiltinTask;
  useSource?: (source: OpenedVideoSource) => Promise<unknown>;
  /** Called when a worker takes the video (it may wait in the queue before). */
  onStart?: (workerId: number) => void;
}

export interface JobOutcome {
  result?: unknown;
  error?: string;
  /** The run was cancelled while this video was in flight: it is not an outcome to record. */
  cancelled?: boolean;
  device?: DecodeDevice;
  framesDecoded: number;
  workerId: number;
  /** Seconds from a worker taking the video to its outcome (queueing excluded). */
  seconds: number;
}

/** What a worker slot is doing for the job it holds. */
interface ActiveJob {
  jobId: number;
  videoId: string;
  device?: DecodeDevice;
  calls: PendingRequests<CallResult>;
  /** Settles with the worker's closing word on the job (done/failed), or its death. */
  finish: (message: { result?: unknown; error?: string; errorCode?: string; device?: DecodeDevice; framesDecoded: number; rssBytes?: number }) => void;
}

/** One place in the pool: the worker process there now (a dead one is replaced) and its job. */
class Slot {
  process!: WorkerProcess;
  job?: ActiveJob;

  /** The GPU this slot's worker decodes on, whatever process fills the slot: one device per process (see deviceContexts.ts). */
  constructor(readonly gpuId: number) {}

  get workerId(): number {
    return this.process.workerId;
  }
}

/** A worker of the pool and the video it is decoding, for progress displays. */
export interface WorkerActivity {
  workerId: number;
  pid?: number;
  videoId?: string;
}

/**
 * A fixed number of decoding worker processes, each decoding one video at a time. Hung decodes are
 * killed with their worker, crashed workers are replaced, and bloated ones recycled between videos.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private nextJobId = 1;
  private readonly callIds = idCounter();
  private nextWorkerId = 1;
  private cancelled = false;

  constructor(private readonly options: PoolOptions) {
    const { gpuIds } = options.settings;
    for (let i = 0; i < options.size; i++) {
      // Workers take the GPUs in turn: with more workers than GPUs each GPU gets its share.
      const slot = this.spawnInto(new Slot(gpuIds[i % gpuIds.length] ?? 0));
      this.slots.push(slot);
      this.idle.push(slot);
    }
  }

  activity(): WorkerActivity[] {
    return this.slots.map((slot) => ({ workerId: slot.workerId, pid: slot.process.pid, videoId: slot.job?.videoId }));
  }

  async run(job: VideoJob): Promise<JobOutcome> {
    const slot = await this.acquire();
    const started = performance.now();
    try {
      job.onStart?.(slot.workerId);
      return { ...(await this.runOn(slot, job)), seconds: (performance.now() - started) / 1000 };
    } finally {
      this.release(slot);
    }
  }

  /** Kills every worker, ending their decodes; jobs in flight end as cancelled. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    await Promise.all(this.slots.map((slot) => slot.process.kill()));
  }

  /** Ends the workers once the run is over. */
  async close(): Promise<void> {
    await this.cancel();
  }

  private spawnInto(slot: Slot): Slot {
    slot.job = undefined;
    slot.process = new WorkerProcess(this.nextWorkerId++, this.options.settings, (message) => this.onMessage(slot, message));
    // An unhandled rejection of a worker that never became ready is reported through its job instead.
    slot.process.ready.catch(() => undefined);
    return slot;
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  private async runOn(slot: Slot, job: VideoJob): Promise<Omit<JobOutcome, 'seconds'>> {
    if (this.cancelled) return { cancelled: true, framesDecoded: 0, workerId: slot.workerId };
    if (!slot.process.alive) this.spawnInto(slot);
    const workerId = slot.workerId;
    const jobId = this.nextJobId++;
    const { gpuId } = slot;

    let finish!: ActiveJob['finish'];
    const finished = new Promise<Parameters<ActiveJob['finish']>[0]>((resolve) => (finish = resolve));
    const active: ActiveJob = { jobId, videoId: job.videoId, calls: new PendingRequests<CallResult>(this.callIds), finish };
    slot.job = active;

    const exitWatch = slot.process.watchExit();
    const died = exitWatch.exited.then((reason) => ({ died: reason }));
    let timer: NodeJS.Timeout | undefined;
    try {
      const startup = await Promise.race([slot.process.ready.then(() => ({ ready: true }), () => ({ ready: false })), died]);
      if (!('ready' in startup) || !startup.ready) {
        if (this.cancelled) return { cancelled: true, framesDecoded: 0, workerId };
        return { error: await slot.process.exited, framesDecoded: 0, workerId };
      }
      // The clock starts once the worker can work: a slow process start is not the video's fault.
      const timedOut = new Promise<{ timedOut: true }>((resolve) => {
        if (this.options.timeoutMs > 0) timer = setTimeout(() => resolve({ timedOut: true }), this.options.timeoutMs);
      });
      const openInWorker = () =>
        slot.process.send({ type: 'open', jobId, videoPath: job.videoPath, videoId: job.videoId, outputDir: job.outputDir, gpuId, task: job.task });
      if (job.task) openInWorker();
      const work = job.task ? finished : this.runHere(slot, active, job, finished, openInWorker);
      const first = await Promise.race([work.then((message) => ({ message })), died, timedOut]);
      if ('message' in first) {
        const { message } = first;
        if (isStorageFullCode(message.errorCode)) {
          // Not the video's failure: every video after it would fail the same way. The run stops.
          throw new StorageFullError(`no space left on device while writing the outputs of ${job.videoPath}: ${message.error}`);
        }
        await this.recycleIfBloated(slot, message.rssBytes);
        return { result: message.result, error: message.error, device: message.device, framesDecoded: message.framesDecoded, workerId };
      }
      if (this.cancelled) return { cancelled: true, framesDecoded: 0, workerId };
      if ('timedOut' in first) {
        await slot.process.kill();
        return { error: `timed out after ${this.options.timeoutMs / 1000} s; its decoding worker was killed`, device: active.device, framesDecoded: 0, workerId };
      }
      this.options.log?.(`worker ${workerId} (${job.videoPath}): ${first.died}; replacing it`);
      return { error: first.died, device: active.device, framesDecoded: 0, workerId };
    } finally {
      clearTimeout(timer);
      exitWatch.release();
      active.calls.rejectAll(new Error('the decoding worker for this video is gone'));
      if (slot.job === active) slot.job = undefined;
    }
  }

  /** Runs a processing function here, on a proxy whose calls the worker answers; then releases the video. */
  private async runHere(
    slot: Slot,
    active: ActiveJob,
    job: VideoJob,
    finished: Promise<Parameters<ActiveJob['finish']>[0]>,
    openInWorker: () => void,
  ): Promise<Parameters<ActiveJob['finish']>[0]> {
    // The video is opened in the worker on the first call only: a function that never asks for
    // metadata or frames costs no decoder and no message.
    let opened = false;
    const call = (request: SourceCall): Promise<CallResult> => {
      if (!opened) {
        opened = true;
        openInWorker();
      }
      const { id: callId, answer } = active.calls.open(undefined);
      slot.process.send({ type: 'call', jobId: active.jobId, callId, ...request });
      return answer;
    };
    const proxy: OpenedVideoSource = {
      get device(): DecodeDevice {
        return active.device ?? 'cpu';
      },
      metadata: () => call({ method: 'metadata' }) as Promise<VideoMetadata>,
      frameTimestamps: () => call({ method: 'frameTimestamps' }) as Promise<number[]>,
      frames: (indices: readonly number[], request?: FrameRequest) =>
        call({ method: 'frames', indices: [...indices], request }) as Promise<VideoFrame[]>,
      close: async () => undefined,
    };
    let outcome: { result?: unknown; error?: string };
    try {
      outcome = { result: await job.useSource!(proxy) };
    } catch (error) {
      outcome = { error: errorText(error) };
    }
    if (!opened) return { framesDecoded: 0, ...outcome };
    slot.process.send({ type: 'release', jobId: active.jobId });
    const closing = await finished;
    return { ...closing, ...outcome };
  }

  private async recycleIfBloated(slot: Slot, rssBytes: number | undefined): Promise<void> {
    if (rssBytes === undefined || rssBytes <= this.options.maxWorkerRssBytes) return;
    this.options.log?.(`worker ${slot.workerId} uses ${Math.round(rssBytes / 2 ** 20)} MiB; replacing it before its next video`);
    await slot.process.kill();
    this.spawnInto(slot);
  }

  private onMessage(slot: Slot, message: WorkerReport): void {
    const job = slot.job;
    switch (message.type) {
      case 'log':
        this.options.log?.(`worker ${slot.workerId}: ${message.message}`);
        return;
      case 'reply': {
        if (!job) return;
        if (message.device) job.device = message.device;
        if (message.error !== undefined) job.calls.reject(message.callId, new Error(message.error));
        else job.calls.resolve(message.callId, message.value as CallResult);
        return;
      }
      case 'done':
      case 'failed':
        if (job?.jobId !== message.jobId) return;
        job.finish({
          result: message.type === 'done' ? message.result : undefined,
          error: message.type === 'failed' ? message.error : undefined,
          errorCode: message.type === 'failed' ? message.errorCode : undefined,
          device: message.device,
          framesDecoded: message.framesDecoded,
          rssBytes: message.rssBytes,
        });
        return;
    }
  }
}
