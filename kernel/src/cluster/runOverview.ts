import * as path from 'node:path';
import { readManifest, type CheckpointManifest } from '../checkpoint/checkpointManifest';
import { ALL_ROWS } from '../csv/rowSelection';
import { processingLabel } from '../processor/processingLabel';
import type { DatasetStatsDict } from '../stats/processingStats';
import { noFailures, type FailureKindCounts } from '../stats/failureKinds';
import { CheckpointContents } from '../checkpoint/checkpointReader';
import { shardOfFolder } from './jobLayout';
import { findJobParts } from './jobParts';
import { jobStatus, type PartState, type PartStatus } from './jobStatus';
import { CHUNKS_FOLDER, JOB_FILE, QUEUE_FOLDER } from './queue/queueJob';

/** A part of a cluster job, with its checkpoint once it started. */
export type PartOverview = PartStatus & { checkpointPath?: string };

/** What a list of every job shows of one: a checkpoint of a one-machine run, or a cluster job's output folder. */
export interface RunOverview {
  kind: 'checkpoint' | 'job';
  /** The checkpoint's manifest, or the job's output folder. */
  path: string;
  /** The dataset's CSV, as its (first started) checkpoint recorded it. */
  csvPath?: string;
  /** The processing function, as `processingLabel` reads it. */
  processing?: string;
  state: PartState;
  dataset: DatasetStatsDict;
  /** A job's parts, in order. */
  parts?: PartOverview[];
  /**
   * The failed rows by the kind of their latest error, over every stopped part with failures (read
   * from their journals, one pass each); absent when none failed.
   */
  failureKinds?: FailureKindCounts;
  /** Where the results files were last written whole (a checkpoint), or the merged job's folder. */
  resultsDir?: string;
}

/**
 * The output folder of the cluster job a checkpoint belongs to: `DIR` for `DIR/shard-I-of-N/x`
 * and `DIR/chunks/chunk-C[.work]/x`, or for `DIR/queue/job.json` itself; undefined for the
 * checkpoint of a one-machine run.
 */
export function jobFolderOf(file: string): string | undefined {
  const folder = path.dirname(file);
  if (path.basename(folder) === QUEUE_FOLDER && path.basename(file) === JOB_FILE) return path.dirname(folder);
  if (shardOfFolder(path.basename(folder))) return path.dirname(folder);
  if (path.basename(path.dirname(folder)) === CHUNKS_FOLDER && /^chunk-\d+(\.work)?$/.test(path.basename(folder))) return path.dirname(path.dirname(folder));
  return undefined;
}

function described(manifest: CheckpointManifest): Pick<RunOverview, 'csvPath' | 'processing'> {
  return { ...(manifest.dataset.csv_path ? { csvPath: manifest.dataset.csv_path } : {}), processing: processingLabel(manifest.processing_fingerprint) };
}

/**
 * One checkpoint's state and counts, by the rules of `status` (a single-part job): a running one's
 * counts from its manifest, a stopped one's exactly from its journal.
 */
export async function checkpointOverview(checkpointPath: string): Promise<RunOverview> {
  const manifest = await readManifest(checkpointPath);
  const part = { name: path.basename(checkpointPath), folder: path.dirname(checkpointPath), selection: manifest.selection ?? ALL_ROWS, checkpointPath };
  const status = await jobStatus(part.folder, [part]);
  const [only] = status.parts;
  const resultsDir = manifest.results_written?.output_dir;
  const kinds = failureKindsOf(settledParts([{ ...only, checkpointPath }]));
  return { kind: 'checkpoint', path: checkpointPath, ...described(manifest), state: only.state, dataset: status.dataset, ...kinds, ...(resultsDir ? { resultsDir } : {}) };
}

/** The failures of the parts that have any, counted by kind from their journals; none read when nothing failed. */
export function failureKindsOf(parts: readonly { failed: number; checkpointPath?: string }[]): Pick<RunOverview, 'failureKinds'> {
  const failing = parts.filter((part) => part.failed > 0 && part.checkpointPath);
  if (!failing.length) return {};
  const total = noFailures();
  for (const part of failing) {
    const kinds = CheckpointContents.readSync(part.checkpointPath!).failureKinds;
    for (const [kind, count] of Object.entries(kinds) as [keyof FailureKindCounts, number][]) total[kind] += count;
  }
  return { failureKinds: total };
}

/**
 * The parts whose failures are worth a journal pass for the view: a running part's journal grows with
 * every video and the view refreshes as it does, so its kinds are read once it has stopped.
 */
function settledParts<T extends { state: PartState }>(parts: readonly T[]): T[] {
  return parts.filter((part) => part.state !== 'running');
}

/** A job is running while any part runs, complete once all are, not started while none is. */
function jobState(parts: readonly PartStatus[]): PartState {
  if (parts.some((part) => part.state === 'running')) return 'running';
  if (parts.every((part) => part.state === 'complete')) return 'complete';
  return parts.every((part) => part.state === 'not_started') ? 'not_started' : 'interrupted';
}

/** A cluster job's state over its parts (shards or queue chunks), as `status` reports it. */
export async function jobOverview(outputDir: string): Promise<RunOverview> {
  const parts = await findJobParts(outputDir);
  const status = await jobStatus(outputDir, parts);
  const started = parts.find((part) => part.checkpointPath);
  const description = started?.checkpointPath ? described(await readManifest(started.checkpointPath)) : {};
  const merged = status.complete ? { resultsDir: outputDir } : {};
  const partOverviews = status.parts.map((part, at): PartOverview => ({ ...part, ...(parts[at].checkpointPath ? { checkpointPath: parts[at].checkpointPath } : {}) }));
  return { kind: 'job', path: outputDir, ...description, state: jobState(status.parts), dataset: status.dataset, ...failureKindsOf(settledParts(partOverviews)), parts: partOverviews, ...merged };
}
