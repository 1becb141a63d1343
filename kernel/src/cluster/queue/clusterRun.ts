import type { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { ResultRecords } from '../../checkpoint/resultRecords';
import type { DecoderConfig } from '../../config/decoderConfig';
import { InputError } from '../../inputError';
import type { ProcessDatasetOptions, ProcessingResults } from '../../processor/processingOptions';
import type { ProcessorEventMap, ProgressSnapshot } from '../../processor/progressEvents';
import { datasetStats, ProcessingStats } from '../../stats/processingStats';
import { findJobParts } from '../jobParts';
import { jobStatus } from '../jobStatus';
import { failureKindsOf } from '../runOverview';
import { mergeJob } from '../jobMerge';
import { jobFilePath } from './queueJob';
import { DEFAULT_QUEUE } from './queueDefaults';
import { submitQueueJob } from './queueSubmit';
import { waitForQueueJob } from './queueWait';
import { redisConnection } from './redisConnection';

/** What a processor lends a run on the queue: its events, its decoder settings, its limits. */
export interface ClusterRunHost {
  events: EventEmitter<ProcessorEventMap>;
  config: DecoderConfig;
  timeoutSeconds: number;
}

/**
 * A job stopped watching before its merge: the stats of what its workers had settled by then. The
 * failures are not listed (the merge lists them), but counted by kind from the parts' journals in
 * the shared folder, one pass over each part that has failures.
 */
export async function stoppedResults(snapshot: ProgressSnapshot | undefined, checkpointPath: string, outputDir: string): Promise<ProcessingResults> {
  const counts = { processed: snapshot?.processed ?? 0, failed: snapshot?.failed ?? 0, skipped: snapshot?.skipped ?? 0 };
  const total = snapshot?.total ?? 0;
  const stats = new ProcessingStats({ totalVideos: total, ...counts, totalTime: snapshot?.elapsedSeconds ?? 0 });
  const parts = await findJobParts(outputDir);
  const status = await jobStatus(outputDir, parts);
  const kinds = failureKindsOf(status.parts.map((part, at) => ({ failed: part.failed, checkpointPath: parts[at]!.checkpointPath }))).failureKinds;
  const dict = { ...stats.toDict(), errors_not_listed: counts.failed, ...(kinds ? { errors_by_kind: kinds } : {}) };
  return { stats: { ...dict, dataset: datasetStats(total, counts, kinds) }, records: ResultRecords.empty(), checkpointPath, outputDir, interrupted: true };
}

/**
 * `processDataset` with `cluster`: submits the job (again: it adds nothing when submitted before),
 * emits 'start' and a 'progress' snapshot a second, summed over every machine (the same events a
 * local run emits, so a cell shows the same progress), and merges once every row is settled.
 * Aborting stops the watching, not the job: its workers go on, and the same call picks it up.
 */
export async function processOnCluster(host: ClusterRunHost, options: ProcessDatasetOptions & { cluster: NonNullable<ProcessDatasetOptions['cluster']> }, signal?: AbortSignal): Promise<ProcessingResults> {
  if (options.outputDir === undefined) throw new InputError('a queue job is written by its workers into a folder they all reach: give outputDir');
  const outputDir = path.resolve(options.outputDir);
  const queue = options.cluster.queue ?? DEFAULT_QUEUE;
  const connection = redisConnection(options.cluster.redis, (line) => host.events.emit('log', line));
  try {
    const csvPath = path.resolve(options.csvPath);
    const { device, backend, gpuIds, ffmpegPath, autorotate } = host.config;
    const spec = await submitQueueJob(connection, queue, {
      csvPath, videoCol: options.videoCol, idCol: options.idCol, processFn: options.processFn!, outputDir, outputFormat: options.outputFormat, webdataset: options.webdataset,
      decoder: { device, backend, gpuIds, ffmpegPath, autorotate }, timeoutSeconds: host.timeoutSeconds, saveInterval: options.saveInterval, chunkRows: options.cluster.chunkRows,
      onReading: ({ bytesRead, totalBytes }) => host.events.emit('reading', { csvPath, bytesRead, totalBytes }),
    });
    const checkpointPath = jobFilePath(outputDir);
    let last: ProgressSnapshot | undefined;
    const finished = await waitForQueueJob(connection, queue, spec, (snapshot) => {
      if (!last) host.events.emit('start', { total: snapshot.total, alreadyDone: snapshot.done, checkpointPath, dataset: snapshot.dataset });
      last = snapshot;
      host.events.emit('progress', snapshot);
    }, signal);
    if (!finished) return await stoppedResults(last, checkpointPath, outputDir);
    const merged = await mergeJob(outputDir, await findJobParts(outputDir));
    return { stats: merged.stats, records: merged.records, checkpointPath, outputDir, interrupted: false };
  } finally {
    connection.disconnect();
  }
}
