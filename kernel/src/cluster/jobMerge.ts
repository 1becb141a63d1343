import { closeSync, openSync } from 'node:fs';
import * as path from 'node:path';
import { ResultRecords } from '../checkpoint/resultRecords';
import { RowOutcomes } from '../checkpoint/rowOutcomes';
import { ALL_ROWS, SelectedRows } from '../csv/rowSelection';
import { CheckpointContents, type RowRecordBytes } from '../checkpoint/checkpointReader';
import type { CheckpointManifest } from '../checkpoint/checkpointManifest';
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
  /** The merged records, read from the merged processing_results.json as asked for. */
  records: ResultRecords;
  seconds: number;
}

/**
 * Journal reads per part are small when many parts are read at once: 256 parts hold 16 MB of
 * blocks, where a run's 1 MiB would hold 256 MB.
 */
const MERGE_BLOCK_BYTES = 64 << 10;

/** Parts of one job agree on the dataset, the processing and the CSV's size, and cover it exactly. */
function checkOneJob(parts: readonly { path: string; manifest: CheckpointManifest }[]): number {
  const identity = ({ manifest }: { manifest: CheckpointManifest }) => {
    const { dataset, processing_fingerprint } = manifest;
    return JSON.stringify([dataset.csv_sha256, dataset.video_col, dataset.id_col, dataset.total_rows, processing_fingerprint]);
  };
  const first = parts[0];
  const stranger = parts.find((part) => identity(part) !== identity(first));
  if (stranger) {
    throw new InputError(`${stranger.path} belongs to another job than ${first.path} (another CSV, its columns or the processing function): give each job an output folder of its own`);
  }
  const totalRows = first.manifest.dataset.total_rows ?? 0;
  const covered = parts.reduce((sum, part) => sum + (part.manifest.selected_rows ?? 0), 0);
  if (covered !== totalRows) throw new InputError(`the job's parts cover ${covered} rows of a CSV of ${totalRows}: some part is missing`);
  return totalRows;
}

/**
 * The parts' records in row order. Row ranges (queue chunks) follow each other: one journal open at
 * a time, however many thousands there are. Shards interleave row by row: all are read at once,
 * merged.
 */
function mergedRecords(parts: readonly CheckpointContents[], totalRows: number): Generator<RowRecordBytes> {
  const streams = parts.map((part) => part.recordBytesInRowOrder(MERGE_BLOCK_BYTES));
  if (parts.every((part) => part.rows.selection.kind === 'range')) {
    return mergeInRowOrder([(function* () {
      for (const stream of streams) yield* stream;
    })()], totalRows);
  }
  return mergeInRowOrder(streams, totalRows);
}

/** Records as parsed objects, for the Parquet writer and the stats. */
function* parsed(records: Iterable<RowRecordBytes>): Generator<ProcessingRecord> {
  for (const { bytes } of records) yield JSON.parse(bytes.toString('utf8')) as ProcessingRecord;
}

/** The stats of the whole job and the merged file's index, gathered as the records are written. */
class MergedTally {
  readonly stats: ProcessingStats;
  readonly index: RowOutcomes;
  private row = 0;

  constructor(private readonly totalRows: number) {
    this.stats = new ProcessingStats({ totalVideos: totalRows });
    this.index = new RowOutcomes(new SelectedRows(ALL_ROWS, totalRows));
  }

  add(bytes: Buffer, offset: number): void {
    const record = JSON.parse(bytes.toString('utf8')) as ProcessingRecord;
    this.index.set(++this.row, record, offset, bytes.length);
    this.stats[record.status]++;
    this.stats.totalTime += record.time ?? 0;
    if (record.status === 'failed') this.stats.addError({ id: record.id, video_path: record.video_path, error: record.error ?? '' });
  }

  statsDict(): RunStatsDict {
    return { ...this.stats.toDict(), dataset: datasetStats(this.totalRows, this.stats, this.stats.failureKinds) };
  }
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
  // Each part's journal is replayed once: its index (13 bytes a row) serves the three passes below.
  const contents = parts.map((part) => CheckpointContents.readSync(part.checkpointPath!));
  const totalRows = checkOneJob(contents);
  const merged = () => mergedRecords(contents, totalRows);
  const files = [RESULTS_JSON_FILE, PARQUET_RESULTS_FILE, STATS_JSON_FILE].map((name) => path.join(outputDir, name));
  const tally = new MergedTally(totalRows);
  await writeResultsJson(files[0], (function* () {
    for (const { bytes } of merged()) yield bytes;
  })(), (bytes, offset) => tally.add(bytes, offset));
  await writeResultsParquet(files[1], () => parsed(merged()));
  const stats = tally.statsDict();
  await writeStatsJson(files[2], stats);
  const fd = openSync(files[0], 'r');
  const records = ResultRecords.ofResultsFile(files[0], fd, tally.index);
  closeSync(fd);
  return { rows: totalRows, files, stats, records, seconds: (performance.now() - started) / 1000 };
}
