import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { builtinProcessFn } from '../../builtins/builtinTasks';
import { openCheckpoint } from '../../checkpoint/checkpoint';
import { syncDirectory } from '../../checkpoint/atomicFile';
import { readManifest } from '../../checkpoint/checkpointManifest';
import type { RecordStatus } from '../../checkpoint/rowOutcomes';
import { DatasetRun } from '../../processor/datasetRun';
import type { ProcessorEventMap } from '../../processor/progressEvents';
import type { RunWorkers } from '../../processor/runWorkers';
import { partCheckpointName } from '../jobLayout';
import { chunkFolders, type ChunkRef, type QueueJobSpec } from './queueJob';
import { readChunkRows } from './rowsFile';

/** What a queue worker lends each chunk it runs. */
export interface ChunkRunContext {
  /** The worker's decoding processes, kept from chunk to chunk. */
  workers: RunWorkers;
  events: EventEmitter<ProcessorEventMap>;
  signal?: AbortSignal;
  maxInFlight: number;
}

export interface ChunkOutcome {
  /** `now`: this attempt committed it; `earlier`: another attempt had (a delivery after a commit). */
  committed: 'now' | 'earlier';
  counts: Record<RecordStatus, number>;
}

/** The chunk's run was interrupted (its worker is stopping): not an outcome, the queue delivers it again. */
export class ChunkInterruptedError extends Error {}

/**
 * Runs one chunk of a queue job, exactly once in effect, however often the queue delivers it. Every
 * attempt works in the chunk's own work folder, under the lease of its checkpoint: a second live
 * attempt is refused, and one that follows a killed attempt resumes it video by video from the
 * same journal. When every row is settled the work folder is renamed to the chunk's committed
 * name, in one atomic step; the first rename wins, and an attempt that finds the chunk committed
 * does nothing. JPEG folders go to the job's folder directly (the same files whichever attempt
 * writes them); WebDataset tars stay inside the chunk's folder and are committed with it.
 */
export async function runChunk(spec: QueueJobSpec, ref: ChunkRef, context: ChunkRunContext): Promise<ChunkOutcome> {
  const { committed, work } = chunkFolders(spec.output_dir, ref.chunk, spec.chunks);
  const checkpointName = partCheckpointName(spec.csv_path);
  if (existsSync(committed)) return { committed: 'earlier', counts: (await readManifest(path.join(committed, checkpointName))).counts };
  const checkpointPath = path.join(work, checkpointName);
  const processFn = builtinProcessFn(spec.task);
  const checkpoint = await openCheckpoint(checkpointPath, {
    datasetFingerprint: { csvSha256: spec.csv_sha256, videoCol: spec.video_col, idCol: spec.id_col ?? undefined },
    processingFingerprint: spec.processing_fingerprint,
    datasetLocation: { csvPath: spec.csv_path, totalRows: spec.total_rows },
    selection: { kind: 'range', first: ref.first_row, count: ref.rows },
  });
  let interrupted: boolean;
  // A lost lease (another attempt took the chunk over while this one stalled) stops this attempt.
  const signal = context.signal ? AbortSignal.any([context.signal, checkpoint.leaseLost]) : checkpoint.leaseLost;
  try {
    const rows = await readChunkRows(ref);
    const run = new DatasetRun(
      {
        csvPath: spec.csv_path, videoCol: spec.video_col, idCol: spec.id_col ?? undefined, processFn, outputDir: spec.output_dir,
        resultsDir: work, resultsFiles: false, outputFormat: spec.output_format, webdataset: spec.webdataset, saveInterval: spec.save_interval,
        rows: async function* () {
          yield* rows;
        },
        total: rows.length, checkpoint, checkpointPath, maxInFlight: context.maxInFlight, keepWorkers: true, signal,
      },
      context.workers,
      context.events,
    );
    interrupted = (await run.execute()).interrupted;
  } finally {
    await checkpoint.close();
  }
  if (checkpoint.leaseLost.aborted) throw checkpoint.leaseLost.reason as Error;
  const counts = (await readManifest(checkpointPath)).counts;
  if (interrupted) throw new ChunkInterruptedError(`chunk ${ref.chunk} of job ${spec.job_id} was interrupted; its checkpoint keeps what was done`);
  return { committed: (await commitChunk(work, committed)) ? 'now' : 'earlier', counts };
}

/** Renames the work folder to the committed name; false when another attempt committed first. */
async function commitChunk(work: string, committed: string): Promise<boolean> {
  try {
    await rename(work, committed);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
    if (!existsSync(committed)) throw error;
    await rm(work, { recursive: true, force: true });
    return false;
  }
  await syncDirectory(path.dirname(committed));
  return true;
}
