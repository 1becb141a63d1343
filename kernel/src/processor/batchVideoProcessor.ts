import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { builtins, type ProcessFn } from '../builtins/builtinTasks';
import { openCheckpoint } from '../checkpoint/checkpoint';
import { DecoderConfig } from '../config/decoderConfig';
import { scanCsv, type CsvScanProgress } from '../csv/csvScan';
import { ALL_ROWS, checkedSelection, SelectedRows, type RowSelection } from '../csv/rowSelection';
import { readVideoRows } from '../csv/videoRows';
import { partCheckpointName, partFolder } from '../cluster/jobLayout';
import { checkBackendAvailable } from '../decode/backendAvailable';
import type { WorkerActivity } from '../pool/workerPool';
import { DEFAULT_MAX_WORKER_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, defaultWorkerCount, rowsInFlight } from '../processingDefaults';
import { DatasetRun, type DatasetJob } from './datasetRun';
import type { BatchVideoProcessorOptions, ProcessDatasetOptions, ProcessingResults } from './processingOptions';
import { DEFAULT_OUTPUT_FORMAT, OUTPUT_FORMATS, type OutputFormat } from './outputFormat';
import { processingFingerprint } from './processingFingerprint';
import { InputError } from '../inputError';
import type { ProcessorEventMap } from './progressEvents';
import { runEnvironment } from './runEnvironment';
import { RunWorkers } from './runWorkers';

export type { BatchVideoProcessorOptions, ProcessDatasetOptions, ProcessingResults } from './processingOptions';

/** Reading a large CSV on network storage takes seconds: a few updates a second show it moving. */
const READING_EVENT_MS = 250;

/** Processes every video of a CSV with a processing function, in worker processes, with resume. */
export class BatchVideoProcessor extends EventEmitter<ProcessorEventMap> {
  readonly config: DecoderConfig;
  readonly numWorkers: number;
  readonly checkpointPath?: string;
  readonly timeoutSeconds: number;
  readonly maxWorkerMemoryMb: number;
  private activeRun?: DatasetRun;

  constructor(options: BatchVideoProcessorOptions = {}) {
    super();
    const hostDefaults = runEnvironment().defaults;
    const config = options.config instanceof DecoderConfig ? options.config : new DecoderConfig(options.config);
    this.config = config.withDefaults(hostDefaults);
    this.numWorkers = options.numWorkers ?? hostDefaults.numWorkers ?? defaultWorkerCount();
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 1) {
      throw new RangeError(`numWorkers must be a whole number >= 1, got ${options.numWorkers}`);
    }
    this.checkpointPath = options.checkpointPath;
    this.timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    this.maxWorkerMemoryMb = options.maxWorkerMemoryMb ?? DEFAULT_MAX_WORKER_MEMORY_MB;
  }

  /** The decoding workers of the run in progress and the video each is on. */
  workerActivity(): WorkerActivity[] {
    return this.activeRun?.activity() ?? [];
  }

  async processDataset(options: ProcessDatasetOptions): Promise<ProcessingResults> {
    const environment = runEnvironment();
    const csvPath = path.resolve(options.csvPath);
    const processFn = options.processFn ?? builtins.keyframes();
    const outputDirOption = options.outputDir ?? environment.outputDirFor(csvPath);
    const outputDir = outputDirOption === undefined ? undefined : path.resolve(outputDirOption);
    const selection = selectionOf(options, outputDir, this.checkpointPath);
    const resultsDir = outputDir === undefined ? undefined : partFolder(outputDir, selection);
    const checkpointPath = path.resolve(
      this.checkpointPath ?? (selection.kind === 'all' ? environment.checkpointPathFor(csvPath) : path.join(resultsDir!, partCheckpointName(csvPath))),
    );
    const attachment = environment.attach({ processor: this, device: this.config.device, csvPath, checkpointPath, outputDir: resultsDir });
    const signals = [options.signal, attachment.signal].filter((signal) => signal !== undefined);
    let results: ProcessingResults;
    try {
      if (options.cluster) {
        const { processOnCluster } = await import('../cluster/queue/clusterRun.js');
        const host = { events: this, config: this.config, timeoutSeconds: this.timeoutSeconds };
        results = await processOnCluster(host, { ...options, processFn, cluster: options.cluster }, AbortSignal.any(signals));
      } else {
        results = await this.processHere({ ...options, csvPath, outputDir, processFn }, { selection, resultsDir, checkpointPath, signals });
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

  /** A run on this machine: the CSV read, the checkpoint opened (and its lease held), the rows run. */
  private async processHere(
    options: ProcessDatasetOptions & { csvPath: string; outputDir?: string; processFn: ProcessFn },
    where: { selection: RowSelection; resultsDir?: string; checkpointPath: string; signals: AbortSignal[] },
  ): Promise<ProcessingResults> {
    const { csvPath, outputDir, processFn } = options;
    const { selection, resultsDir, checkpointPath } = where;
    const columns = { videoCol: options.videoCol, idCol: options.idCol };
    const outputFormat = checkedOutputFormat(options.outputFormat, outputDir);
    checkBackendAvailable(this.config);
    const { totalRows, fingerprint, duplicates } = await scanCsv(csvPath, columns, this.readingReporter(csvPath));
    const selected = new SelectedRows(selection, totalRows);
    const checkpoint = await openCheckpoint(checkpointPath, {
      datasetFingerprint: fingerprint,
      processingFingerprint: processingFingerprint(processFn, outputFormat),
      datasetLocation: { csvPath, totalRows },
      selection,
    }, { fresh: options.fresh });
    // A lost lease stops the run as an interrupt would, but it ends in its error, not as interrupted.
    const signal = AbortSignal.any([...where.signals, checkpoint.leaseLost]);
    const rows = () => readVideoRows(csvPath, columns, duplicates, selection.kind === 'all' ? undefined : selected);
    const job = { ...options, outputFormat, resultsDir, signal, total: selected.size, rows, checkpoint, checkpointPath };
    const run = await this.run(job).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await checkpoint.close();
    if (checkpoint.leaseLost.aborted) throw checkpoint.leaseLost.reason as Error;
    if ('error' in run) throw run.error;
    return run.value;
  }

  /** 'reading' events while the CSV is read: the first at once, then at most every READING_EVENT_MS, and the last. */
  private readingReporter(csvPath: string): (progress: CsvScanProgress) => void {
    let lastAt = -Infinity;
    return ({ bytesRead, totalBytes }) => {
      const now = performance.now();
      if (now - lastAt < READING_EVENT_MS && bytesRead < totalBytes) return;
      lastAt = now;
      this.emit('reading', { csvPath, bytesRead, totalBytes });
    };
  }

  private async run(job: Omit<DatasetJob, 'maxInFlight'>): Promise<ProcessingResults> {
    const workers = new RunWorkers({
      config: this.config,
      size: this.numWorkers,
      timeoutMs: this.timeoutSeconds * 1000,
      maxWorkerRssBytes: this.maxWorkerMemoryMb * 2 ** 20,
      onDevice: (choice) => this.emit('device', choice),
      log: (line) => this.emit('log', line),
    });
    const run = (this.activeRun = new DatasetRun({ ...job, maxInFlight: rowsInFlight(this.numWorkers) }, workers, this));
    try {
      return await run.execute();
    } finally {
      this.activeRun = undefined;
    }
  }
}

/** The rows a call covers: a shard's, checked, or every row. */
function selectionOf(options: ProcessDatasetOptions, outputDir: string | undefined, checkpointPath: string | undefined): RowSelection {
  if (!options.shard) return ALL_ROWS;
  if (checkpointPath !== undefined) throw new InputError('a shard keeps its checkpoint in its own folder under outputDir, where status, merge and a re-run on another machine find it: give no checkpointPath');
  if (outputDir === undefined) throw new InputError('a shard keeps its checkpoint and results in the output folder the shards of a job share: give outputDir');
  try {
    return checkedSelection({ kind: 'shard', ...options.shard });
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

/** The run's output format, refused with what to do when it is unknown or has nowhere to go. */
function checkedOutputFormat(format: OutputFormat | undefined, outputDir: string | undefined): OutputFormat {
  const chosen = format ?? DEFAULT_OUTPUT_FORMAT;
  if (!OUTPUT_FORMATS.includes(chosen)) throw new InputError(`outputFormat must be one of ${OUTPUT_FORMATS.map((name) => `'${name}'`).join(', ')}, got '${String(format)}'`);
  if (chosen === 'webdataset' && outputDir === undefined) throw new InputError("outputFormat 'webdataset' writes tar shards into the output directory: give outputDir");
  return chosen;
}
