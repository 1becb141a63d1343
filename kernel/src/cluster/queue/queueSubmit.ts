import { Queue } from 'bullmq';
import * as path from 'node:path';
import { builtinTaskOf, type ProcessFn } from '../../builtins/builtinTasks';
import type { DecoderConfigOptions } from '../../config/decoderConfig';
import { scanCsv, type CsvScanProgress } from '../../csv/csvScan';
import { readVideoRows } from '../../csv/videoRows';
import { InputError } from '../../inputError';
import { DEFAULT_SAVE_INTERVAL, DEFAULT_TIMEOUT_SECONDS } from '../../processingDefaults';
import { DEFAULT_OUTPUT_FORMAT, type OutputFormat } from '../../processor/outputFormat';
import type { WebDatasetOptions } from '../../processor/processingOptions';
import { processingFingerprint } from '../../processor/processingFingerprint';
import { findShardParts } from '../jobParts';
import { QUEUE_JOB_FORMAT, queueJobId, readQueueJob, writeQueueJob, type ChunkRef, type QueueJobSpec } from './queueJob';
import { chunkRefs, readChunkOffsets, writeRowsFile } from './rowsFile';
import { DEFAULT_CHUNK_ROWS, DEFAULT_QUEUE } from './queueDefaults';
import { forgetQueueProgress } from './queueProgress';
import type { Redis } from 'ioredis';

/**
 * A chunk fails for good only after this many attempts: an attempt ends early when its worker is
 * stopped, or finds another live attempt on the chunk, neither of which is the chunk's fault.
 */
const CHUNK_ATTEMPTS = 50;
const RETRY_DELAY_MS = 5000;
const ADD_BATCH = 1000;

export interface QueueSubmission {
  csvPath: string;
  videoCol: string;
  idCol?: string;
  /** A built-in (`builtins.*`): the machines that run the job get its description, not code. */
  processFn: ProcessFn;
  outputDir: string;
  outputFormat?: OutputFormat;
  webdataset?: WebDatasetOptions;
  decoder?: QueueJobSpec['decoder'] & Pick<DecoderConfigOptions, 'device'>;
  timeoutSeconds?: number;
  saveInterval?: number;
  chunkRows?: number;
  onReading?: (progress: CsvScanProgress) => void;
}

/** A chunk's id on the queue: the same for every submit of its job. */
const chunkJobId = (ref: ChunkRef) => `${ref.job_id}-${ref.chunk}`;

/** The job's description, made once: the CSV read, its rows written for the chunks. */
async function prepareJob(submission: QueueSubmission): Promise<{ spec: QueueJobSpec; refs: ChunkRef[]; newInFolder: boolean }> {
  const task = builtinTaskOf(submission.processFn);
  if (!task) throw new InputError('a queue job runs on other machines, which get a description of the processing, not code: use a built-in (builtins.keyframes(…), builtins.metadata(), builtins.adaptive(…))');
  const csvPath = path.resolve(submission.csvPath);
  const outputDir = path.resolve(submission.outputDir);
  const chunkRows = submission.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new InputError(`chunkRows must be a whole number >= 1, got ${chunkRows}`);
  if (await findShardParts(outputDir).catch(() => undefined)) throw new InputError(`${outputDir} holds the shards of a --shard job: give the queue job an output folder of its own`);
  const columns = { videoCol: submission.videoCol, idCol: submission.idCol };
  const scan = await scanCsv(csvPath, columns, submission.onReading);
  const outputFormat = submission.outputFormat ?? DEFAULT_OUTPUT_FORMAT;
  const identity = {
    csv_sha256: scan.fingerprint.csvSha256, video_col: submission.videoCol, id_col: submission.idCol ?? null,
    processing_fingerprint: processingFingerprint(submission.processFn, outputFormat), output_dir: outputDir, chunk_rows: chunkRows,
  };
  const jobId = queueJobId(identity);
  const existing = await readQueueJob(outputDir);
  if (existing && existing.job_id !== jobId) {
    throw new InputError(`${outputDir} holds queue job ${existing.job_id} (of ${existing.csv_path}, ${existing.processing_fingerprint}): give this job an output folder of its own`);
  }
  const offsets = (existing && (await readChunkOffsets(outputDir))) || (await writeRowsFile(outputDir, readVideoRows(csvPath, columns, scan.duplicates), chunkRows));
  const spec: QueueJobSpec = existing ?? {
    format: QUEUE_JOB_FORMAT, job_id: jobId, ...identity, csv_path: csvPath, total_rows: scan.totalRows, output_format: outputFormat,
    webdataset: submission.webdataset ?? {}, task, decoder: submission.decoder ?? {}, timeout_seconds: submission.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    save_interval: submission.saveInterval ?? DEFAULT_SAVE_INTERVAL, chunks: offsets.length - 1, created: new Date().toISOString(),
  };
  if (!existing) await writeQueueJob(spec);
  return { spec, refs: chunkRefs(outputDir, jobId, offsets, chunkRows, scan.totalRows), newInFolder: !existing };
}

/**
 * Puts a job on the queue: one BullMQ job a chunk, with an id made of the job's id and the chunk's
 * number, so that submitting the same job again adds nothing (BullMQ keeps a job id until the job
 * is removed; completed chunks are kept for that). Chunks that failed for good are retried. Holds
 * one small entry a chunk while adding.
 */
export async function submitQueueJob(connection: Redis, queueName: string | undefined, submission: QueueSubmission): Promise<QueueJobSpec> {
  const { spec, refs, newInFolder } = await prepareJob(submission);
  const name = queueName ?? DEFAULT_QUEUE;
  const queue = new Queue<ChunkRef>(name, { connection });
  queue.on('error', () => undefined); // the connection's own handler reports it
  try {
    // The same job in a folder that lost it (deleted, or a new disk): what the queue remembers of it
    // would make this submit add nothing, and its chunks would never run again.
    if (newInFolder && refs.length && (await queue.getJob(chunkJobId(refs[0])))) {
      for (const ref of refs) await queue.remove(chunkJobId(ref));
      await forgetQueueProgress(connection, name, spec.job_id);
    }
    for (let at = 0; at < refs.length; at += ADD_BATCH) {
      await queue.addBulk(refs.slice(at, at + ADD_BATCH).map((ref) => ({
        name: 'chunk',
        data: ref,
        opts: { jobId: chunkJobId(ref), attempts: CHUNK_ATTEMPTS, backoff: { type: 'fixed', delay: RETRY_DELAY_MS }, removeOnComplete: false, removeOnFail: false },
      })));
    }
    for (const failed of await queue.getFailed()) if (failed.data.job_id === spec.job_id) await failed.retry();
  } finally {
    await queue.close();
  }
  return spec;
}
