import { CheckpointContents } from '../checkpoint/checkpointReader';
import { readManifest } from '../checkpoint/checkpointManifest';
import { readLockHolder } from '../checkpoint/checkpointLock';
import type { RecordStatus } from '../checkpoint/rowOutcomes';
import { SelectedRows } from '../csv/rowSelection';
import { datasetStats, type DatasetStatsDict } from '../stats/processingStats';
import { type JobPart } from './jobParts';

export type PartState = 'complete' | 'running' | 'interrupted' | 'not_started';

/** One part's progress, snake_case as `status --json` prints it. */
export interface PartStatus {
  name: string;
  folder: string;
  state: PartState;
  /** Rows the part covers; null while no part of the job has started (the CSV's size is unknown then). */
  rows: number | null;
  processed: number;
  failed: number;
  skipped: number;
  /** Who runs it, or ran it last, and (while its lock is there) when its lease was last renewed. */
  host?: string;
  pid?: number;
  lease_renewed?: string;
}

/** The whole job: its parts and the dataset summed over them. */
export interface JobStatus {
  output_dir: string;
  parts: PartStatus[];
  dataset: DatasetStatsDict;
  /** Every part complete: `merge` will succeed. */
  complete: boolean;
  /** The parts that are not complete, by name. */
  unfinished: string[];
}

const NO_COUNTS: Record<RecordStatus, number> = { processed: 0, failed: 0, skipped: 0 };

/**
 * A started part's state. Counts come from its manifest (saved every save-interval videos and at
 * the end) while it runs; a part that stopped short of its rows is read from its journal instead,
 * so a run killed just before saving is not shown behind, nor taken for unfinished when it is not.
 */
async function startedPartStatus(part: JobPart, checkpointPath: string): Promise<{ status: PartStatus; totalRows?: number }> {
  const manifest = await readManifest(checkpointPath);
  const totalRows = manifest.dataset.total_rows;
  const rows = totalRows === undefined ? null : new SelectedRows(part.selection, totalRows).size;
  // A committed chunk is done: a lock in it can only be a late attempt's, which commits nothing.
  const holder = part.committed ? undefined : await readLockHolder(`${checkpointPath}.lock`);
  let counts = manifest.counts;
  const settled = (value: Record<RecordStatus, number>) => value.processed + value.failed + value.skipped;
  if (!holder?.live && rows !== null && settled(counts) < rows) {
    counts = CheckpointContents.readSync(checkpointPath).counts;
  }
  const state: PartState = holder?.live ? 'running' : rows !== null && settled(counts) >= rows ? 'complete' : 'interrupted';
  const lastRun = manifest.last_run;
  const who = holder ? { host: holder.host, pid: holder.pid, lease_renewed: holder.renewed } : lastRun ? { host: lastRun.host, pid: lastRun.pid } : {};
  return { status: { name: part.name, folder: part.folder, state, rows, ...counts, ...who }, totalRows };
}

/** The progress of every part of a job and of the whole job. */
export async function jobStatus(outputDir: string, parts: readonly JobPart[]): Promise<JobStatus> {
  const statuses: PartStatus[] = [];
  let totalRows: number | undefined;
  for (const part of parts) {
    if (!part.checkpointPath) {
      statuses.push({ name: part.name, folder: part.folder, state: 'not_started', rows: null, ...NO_COUNTS });
      continue;
    }
    const started = await startedPartStatus(part, part.checkpointPath);
    totalRows ??= started.totalRows;
    statuses.push(started.status);
  }
  if (totalRows !== undefined) {
    for (const [at, status] of statuses.entries()) if (status.rows === null) status.rows = new SelectedRows(parts[at].selection, totalRows).size;
  }
  const sum = (status: RecordStatus) => statuses.reduce((total, part) => total + part[status], 0);
  const unfinished = statuses.filter((status) => status.state !== 'complete').map((status) => status.name);
  return {
    output_dir: outputDir,
    parts: statuses,
    dataset: datasetStats(totalRows ?? 0, { processed: sum('processed'), failed: sum('failed'), skipped: sum('skipped') }),
    complete: unfinished.length === 0,
    unfinished,
  };
}
