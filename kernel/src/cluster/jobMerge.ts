import * as path from 'node:path';
import { CheckpointContents, type RowRecordBytes } from '../checkpoint/checkpointReader';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { RESULTS_JSON_FILE, STATS_JSON_FILE, writeResultsJson, writeStatsJson } from '../checkpoint/resultsFiles';
import { InputError } from '../inputError';
import { PARQUET_RESULTS_FILE, writeResultsParquet } from '../outputs/parquetResults';
import { datasetStats, ProcessingStats, type RunStatsDict } from '../stats/processingStats';
import type { JobPart } from './jobParts';
import { jobStatus } from './jobStatus';
import { mergeInRowOrder } from './rowOrderMerge';

/** Some part of the job is not complete: merging now would leave rows out. */
export class JobUnfinishedError extends InputError {
  constructor(readonly unfinished: readonly string[], detail: string) {
    super(detail);
  }
}

/** What a merge wrote. */
export interface MergeOutcome {
  rows: number;
  files: string[];
  stats: RunStatsDict;
  seconds: number;
}

/**
 * Journal reads per part are small when many parts are read at once: 256 parts hold 16 MB of
 * blocks, where a run's 1 MiB would hold 256 MB.
 */
const MERGE_BLOCK_BYTES = 64 << 10;

/** Parts of one job agree on the dataset, the processing and the CSV's size, and cover it exactly. */
function checkOneJob(contents: readonly CheckpointContents[]): number {
  const identity = (part: CheckpointContents) => {
    const { dataset, processing_fingerprint } = part.manifest;
    return JSON.stringify([dataset.csv_sha256, dataset.video_col, dataset.id_col, dataset.total_rows, processing_fingerprint]);
  };
  const first = contents[0];
  const stranger = contents.find((part) => identity(part) !== identity(first));
  if (stranger) {
    throw new InputError(`${stranger.path} belongs to another job than ${first.path} (another CSV, its columns or the processing function): give each job an output folder of its own`);
  }
  const totalRows = first.manifest.dataset.total_rows ?? 0;
  const covered = contents.reduce((sum, part) => sum + part.rows.size, 0);
  if (covered !== totalRows) throw new InputError(`the job's parts cover ${covered} rows of a CSV of ${totalRows}: some part is missing`);
  return totalRows;
}

/** Records as parsed objects, for the Parquet writer and the stats. */
function* parsed(records: Iterable<RowRecordBytes>): Generator<ProcessingRecord> {
  for (const { bytes } of records) yield JSON.parse(bytes.toString('utf8')) as ProcessingRecord;
}

function mergedStats(totalRows: number, records: Iterable<ProcessingRecord>): RunStatsDict {
  const stats = new ProcessingStats({ totalVideos: totalRows });
  for (const record of records) {
    stats[record.status]++;
    stats.totalTime += record.time ?? 0;
    if (record.status === 'failed') stats.addError({ id: record.id, video_path: record.video_path, error: record.error ?? '' });
  }
  return { ...stats.toDict(), dataset: datasetStats(totalRows, stats) };
}

/**
 * Joins a finished job's parts into DIR's processing_results.json, .parquet and processing_stats.json:
 * every CSV row once, in CSV order, each with the record its part journaled, so the files equal a
 * one-machine run's but for the time each video took. Streams: memory is each part's row index
 * (13 bytes a row in all) and one read block per part. The stats count every row's outcome
 * (`total_time` sums the videos' own times, over every machine). Refuses, naming them, while any
 * part is unfinished.
 */
export async function mergeJob(outputDir: string, parts: readonly JobPart[]): Promise<MergeOutcome> {
  const started = performance.now();
  const status = await jobStatus(outputDir, parts);
  if (!status.complete) {
    const detail = status.parts.filter((part) => part.state !== 'complete').map((part) => `${part.name} (${part.state.replace('_', ' ')}, ${part.processed + part.failed + part.skipped}/${part.rows ?? '?'})`);
    throw new JobUnfinishedError(status.unfinished, `the job in ${outputDir} is not finished: ${detail.join(', ')}; run or resume those parts, then merge again`);
  }
  const contents: CheckpointContents[] = [];
  try {
    for (const part of parts) contents.push(await CheckpointContents.read(part.checkpointPath!));
    const totalRows = checkOneJob(contents);
    const merged = () => mergeInRowOrder(contents.map((part) => part.recordBytesInRowOrder(MERGE_BLOCK_BYTES)), totalRows);
    const files = [RESULTS_JSON_FILE, PARQUET_RESULTS_FILE, STATS_JSON_FILE].map((name) => path.join(outputDir, name));
    await writeResultsJson(files[0], (function* () {
      for (const { bytes } of merged()) yield bytes;
    })());
    await writeResultsParquet(files[1], () => parsed(merged()));
    const stats = mergedStats(totalRows, parsed(merged()));
    await writeStatsJson(files[2], stats);
    return { rows: totalRows, files, stats, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const part of contents) part.close();
  }
}
