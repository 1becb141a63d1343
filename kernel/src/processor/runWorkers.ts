import type { DecoderConfig } from '../config/decoderConfig';
import { chooseRunDevice, describeRunDevice, type RunDevice } from '../device/runDevice';
import { WorkerPool, type WorkerActivity } from '../pool/workerPool';
import { networkTimeoutSeconds } from '../decode/networkInput';

export interface RunWorkersOptions {
  config: DecoderConfig;
  size: number;
  timeoutMs: number;
  maxWorkerRssBytes: number;
  onDevice(choice: RunDevice): void;
  log(line: string): void;
}

/**
 * A run's worker pool, started by the first video that needs a worker, after the run's device is
 * chosen (a real decode): a run that only resumes over finished rows opens no GPU and starts no
 * process. Cancelling before the pool exists cancels it as soon as it does.
 */
export class RunWorkers {
  private pool?: WorkerPool;
  private starting?: Promise<WorkerPool>;
  private cancelled = false;

  constructor(private readonly options: RunWorkersOptions) {}

  /** Worker processes the pool has once started. */
  get size(): number {
    return this.options.size;
  }

  get(): Promise<WorkerPool> {
    return (this.starting ??= this.start());
  }

  activity(): WorkerActivity[] {
    return this.pool?.activity() ?? [];
  }

  cancel(): void {
    this.cancelled = true;
    void this.pool?.cancel();
  }

  async close(): Promise<void> {
    await this.starting;
    await this.pool?.close();
  }

  private async start(): Promise<WorkerPool> {
    const { config } = this.options;
    const choice = await chooseRunDevice(config.device, config.gpuIds, config);
    this.options.onDevice(choice);
    if (choice.requested !== 'cpu') this.options.log(describeRunDevice(choice));
    this.pool = new WorkerPool({
      size: this.options.size,
      settings: { ...config.toSettings(), device: choice.device, gpuIds: choice.gpuIds, networkTimeoutS: networkTimeoutSeconds(this.options.timeoutMs) },
      timeoutMs: this.options.timeoutMs,
      maxWorkerRssBytes: this.options.maxWorkerRssBytes,
      log: this.options.log,
    });
    if (this.cancelled) void this.pool.cancel();
    return this.pool;
  }
}
