import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { BuiltinTask } from '../../builtins/builtinTasks';
import { writeFileAtomically } from '../../checkpoint/atomicFile';
import type { DecoderConfigOptions } from '../../config/decoderConfig';
import { InputError } from '../../inputError';
import type { OutputFormat } from '../../processor/outputFormat';
import type { WebDatasetOptions } from '../../processor/processingOptions';

/**
 * A job on the queue, as every worker needs it and as the job's output folder keeps it
 * (`DIR/queue/job.json`): the dataset, the processing, where its rows are, how they are chunked.
 * Workers read it from the shared folder, so a chunk's entry on the queue stays a few numbers.
 */
export interface QueueJobSpec {
  format: typeof QUEUE_JOB_FORMAT;
  /** Deterministic: the same CSV, columns, processing and folder give the same id, so submitting again adds nothing. */
  job_id: string;
  csv_path: string;
  csv_sha256: string;
  video_col: string;
  id_col: string | null;
  total_rows: number;
  output_dir: string;
  output_format: OutputFormat;
  webdataset: WebDatasetOptions;
  task: BuiltinTask;
  processing_fingerprint: string;
  decoder: Pick<DecoderConfigOptions, 'device' | 'backend' | 'gpuIds' | 'ffmpegPath' | 'autorotate'>;
  timeout_seconds: number;
  save_interval: number;
  chunk_rows: number;
  chunks: number;
  created: string;
}

export const QUEUE_JOB_FORMAT = 'video-batch-kernel-queue-job';
export const QUEUE_FOLDER = 'queue';
export const JOB_FILE = 'job.json';
/** The job's rows, one JSON array a line, in CSV order (see rowsFile.ts). */
export const ROWS_FILE = 'rows.jsonl';
export const CHUNKS_FOLDER = 'chunks';

/** A chunk as the queue carries it: enough to read its rows without reading the CSV. */
export interface ChunkRef {
  out_dir: string;
  job_id: string;
  chunk: number;
  first_row: number;
  rows: number;
  /** Where its rows lie in the rows file. */
  offset: number;
  length: number;
}

export const jobFilePath = (outputDir: string) => path.join(outputDir, QUEUE_FOLDER, JOB_FILE);
export const rowsFilePath = (outputDir: string) => path.join(outputDir, QUEUE_FOLDER, ROWS_FILE);

/** `chunk-000123`: zero-padded to six digits or the chunk count's width, so folders sort in row order. */
export function chunkFolderName(chunk: number, chunks: number): string {
  return `chunk-${String(chunk).padStart(Math.max(6, String(chunks).length), '0')}`;
}

/** The committed chunk's folder, and the folder its attempts work in until one commits. */
export function chunkFolders(outputDir: string, chunk: number, chunks: number): { committed: string; work: string } {
  const committed = path.join(outputDir, CHUNKS_FOLDER, chunkFolderName(chunk, chunks));
  return { committed, work: `${committed}.work` };
}

/** What makes two submissions the same job. */
export function queueJobId(identity: Pick<QueueJobSpec, 'csv_sha256' | 'video_col' | 'id_col' | 'processing_fingerprint' | 'output_dir' | 'chunk_rows'>): string {
  const { csv_sha256, video_col, id_col, processing_fingerprint, output_dir, chunk_rows } = identity;
  return createHash('sha256').update(JSON.stringify([csv_sha256, video_col, id_col, processing_fingerprint, output_dir, chunk_rows])).digest('hex').slice(0, 16);
}

export async function readQueueJob(outputDir: string): Promise<QueueJobSpec | undefined> {
  const file = jobFilePath(outputDir);
  if (!existsSync(file)) return undefined;
  const spec = JSON.parse(await readFile(file, 'utf8')) as QueueJobSpec;
  if (spec.format !== QUEUE_JOB_FORMAT) throw new InputError(`${file} is not a video-batch-kernel queue job (its "format" is not '${QUEUE_JOB_FORMAT}')`);
  return spec;
}

export function writeQueueJob(spec: QueueJobSpec): Promise<void> {
  return writeFileAtomically(jobFilePath(spec.output_dir), (append) => append(`${JSON.stringify(spec, null, 2)}\n`));
}
