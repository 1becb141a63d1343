import { findJobParts } from '../cluster/jobParts';
import { mergeJob } from '../cluster/jobMerge';
import { submitQueueJob } from '../cluster/queue/queueSubmit';
import { waitForQueueJob } from '../cluster/queue/queueWait';
import { runQueueWorker } from '../cluster/queue/queueWorker';
import { redisConnection } from '../cluster/queue/redisConnection';
import { datasetSummary, readingSummary } from '../display/notebookOutputs';
import { errorText } from '../errorText';
import { InputError } from '../inputError';
import type { ProgressSnapshot } from '../processor/progressEvents';
import { processFnOf } from './cliArguments';
import { EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_INTERRUPTED, EXIT_OK } from './exitCodes';
import { formatProgressLine } from './progressLine';
import type { SubmitCommand, WorkerCommand } from './queueCommands';

/** Plain progress lines (no terminal) come at most this often. */
const PLAIN_LINE_INTERVAL_MS = 5000;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Ctrl-C and SIGTERM abort the returned signal (and are otherwise left to it). */
function interruptSignal(): AbortSignal {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  return abort.signal;
}

function failed(error: unknown): number {
  process.stderr.write(`error: ${errorText(error)}\n`);
  return error instanceof InputError ? EXIT_BAD_INPUT : EXIT_ENVIRONMENT;
}

/** A redrawn line on a terminal, a plain one every few seconds otherwise. */
function progressPrinter(): (snapshot: ProgressSnapshot) => void {
  const onTerminal = process.stderr.isTTY === true;
  let lastLineAt = 0;
  return (snapshot) => {
    if (onTerminal) process.stderr.write(`\r\x1b[2K${formatProgressLine(snapshot, true)}`);
    else if (Date.now() - lastLineAt >= PLAIN_LINE_INTERVAL_MS || snapshot.done === snapshot.total) {
      lastLineAt = Date.now();
      log(formatProgressLine(snapshot, false));
    }
  };
}

/** `submit`: queues the job; with --wait, follows it to the end and merges. */
export async function runSubmitCommand(command: SubmitCommand): Promise<number> {
  const signal = interruptSignal();
  const connection = redisConnection(command.redis, log);
  try {
    const { job } = command;
    const spec = await submitQueueJob(connection, command.queue, {
      csvPath: job.csvPath, videoCol: job.videoCol, idCol: job.idCol, processFn: processFnOf(job), outputDir: job.outputDir,
      outputFormat: job.outputFormat, webdataset: { maxShardBytes: job.maxShardBytes, maxShardSamples: job.maxShardSamples },
      decoder: { device: job.device, backend: job.backend, gpuIds: job.gpuIds, ffmpegPath: job.ffmpegPath, autorotate: job.autorotate },
      timeoutSeconds: job.timeoutSeconds, saveInterval: job.saveInterval, chunkRows: command.chunkRows,
      onReading: (reading) => (reading.bytesRead === reading.totalBytes ? log(`read ${job.csvPath}: ${readingSummary(reading)}`) : undefined),
    });
    log(`job ${spec.job_id}: ${spec.total_rows} rows in ${spec.chunks} chunks on queue '${command.queue}' at ${command.redis}; its folder ${spec.output_dir}`);
    if (!command.wait) {
      log(`run workers with: video-batch-kernel worker --redis ${command.redis} --queue ${command.queue}; then: video-batch-kernel merge ${spec.output_dir}`);
      return EXIT_OK;
    }
    const finished = await waitForQueueJob(connection, command.queue, spec, progressPrinter(), signal);
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (!finished) {
      log('stopped watching; the job goes on on its workers: run the same submit --wait to watch it again');
      return EXIT_INTERRUPTED;
    }
    const merged = await mergeJob(spec.output_dir, await findJobParts(spec.output_dir));
    process.stdout.write(`${JSON.stringify(merged.stats, null, 2)}\n`);
    log(`${datasetSummary(merged.stats.dataset)}\nmerged in ${merged.seconds.toFixed(1)} s: ${merged.files.join(', ')}`);
    return EXIT_OK;
  } catch (error) {
    return failed(error);
  } finally {
    connection.disconnect();
  }
}

/** `worker`: takes chunks until stopped (or idle, when asked). */
export async function runWorkerCommand(command: WorkerCommand): Promise<number> {
  const signal = interruptSignal();
  try {
    log(`worker on queue '${command.queue}' at ${command.redis}`);
    const summary = await runQueueWorker({ ...command, numWorkers: command.workers, signal, log });
    log(`worker stopped: ${summary.chunks} chunks run, ${summary.committed} committed by this worker`);
    return signal.aborted ? EXIT_INTERRUPTED : EXIT_OK;
  } catch (error) {
    return failed(error);
  }
}
