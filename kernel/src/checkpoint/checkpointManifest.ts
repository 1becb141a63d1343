import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, rename, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from '../inputError';
import { syncDirectory, writeFileAtomically } from './atomicFile';
import { CHECKPOINT_FORMAT } from './checkpointFiles';
import { datasetDifferences, type DatasetFingerprint } from './datasetFingerprint';
import { FRESH_START_HINT } from './freshStart';
import type { RecordStatus } from './rowOutcomes';
import { selectionLabel, type RowSelection } from '../csv/rowSelection';

const VERSION = 1;

/** The small JSON file at the checkpoint path; the journal beside it holds the outcomes. */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** `csv_path` and `total_rows` describe the job for tools that list unfinished ones (the editor's resume item). */
  dataset: { csv_sha256: string; video_col: string; id_col: string | null; csv_path?: string; total_rows?: number };
  processing_fingerprint: string;
  /** The rows this checkpoint covers (a shard of a job, a queue chunk); absent: every row. */
  selection?: RowSelection;
  /** How many rows that is, for tools that show progress without reading the CSV. */
  selected_rows?: number;
  created: string;
  updated: string;
  journal: string;
  counts: Record<RecordStatus, number>;
  /**
   * The results files last written whole from this checkpoint: where, and the journal's size then.
   * A run that journals nothing new (a resume of a finished job) finds them current and skips them.
   */
  results_written?: { output_dir: string; journal_bytes: number };
  /** The last run of it: which machine and process, from when (for `status` once its lock is gone). */
  last_run?: { host: string; pid: number; started: string };
}

export interface CheckpointIdentity {
  datasetFingerprint: DatasetFingerprint;
  /** Where the CSV is now and how many rows with a video it has; recorded, not compared. */
  datasetLocation?: { csvPath: string; totalRows: number };
  /** Identifies the processing function (its name and options, or its source); given by the caller. */
  processingFingerprint: string;
  /** The rows the checkpoint covers; default every row. */
  selection?: RowSelection;
}

/** The checkpoint belongs to another dataset or processing function, or is not a checkpoint of this format. */
export class CheckpointMismatchError extends InputError {}

/** The checkpoint file cannot be read as JSON: damaged on disk (atomic writes never leave it half written). */
export class CheckpointDamagedError extends InputError {}

export async function writeManifest(checkpointPath: string, manifest: CheckpointManifest): Promise<void> {
  await writeFileAtomically(checkpointPath, (append) => append(`${JSON.stringify(manifest, null, 2)}\n`));
}

export async function loadOrCreateManifest(checkpointPath: string, journalPath: string, identity: CheckpointIdentity): Promise<CheckpointManifest> {
  const { datasetFingerprint: dataset, processingFingerprint } = identity;
  if (!existsSync(checkpointPath)) {
    if (existsSync(journalPath)) {
      // The manifest was deleted to start over: keep the old outcomes aside rather than resume them.
      const aside = `${journalPath}.orphaned-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(journalPath, aside);
      await syncDirectory(path.dirname(journalPath));
    }
    const now = new Date().toISOString();
    const manifest: CheckpointManifest = {
      format: CHECKPOINT_FORMAT,
      version: VERSION,
      dataset: { csv_sha256: dataset.csvSha256, video_col: dataset.videoCol, id_col: dataset.idCol ?? null },
      processing_fingerprint: processingFingerprint,
      ...(identity.selection && identity.selection.kind !== 'all' ? { selection: identity.selection } : {}),
      created: now,
      updated: now,
      journal: path.basename(journalPath),
      counts: { processed: 0, failed: 0, skipped: 0 },
    };
    await writeManifest(checkpointPath, manifest);
    return manifest;
  }
  const startOver = `Resuming it would mix in outcomes that are not this job's: give this run another checkpoint path, or ${FRESH_START_HINT}`;
  const manifest = await readManifest(checkpointPath);
  const recorded: DatasetFingerprint = {
    csvSha256: manifest.dataset.csv_sha256,
    videoCol: manifest.dataset.video_col,
    idCol: manifest.dataset.id_col ?? undefined,
  };
  const differences = datasetDifferences(recorded, dataset);
  if (differences.length) {
    throw new CheckpointMismatchError(`checkpoint ${checkpointPath} belongs to another dataset: ${differences.join('; ')}. ${startOver}.`);
  }
  if (manifest.processing_fingerprint !== processingFingerprint) {
    throw new CheckpointMismatchError(
      `checkpoint ${checkpointPath} was made by another processing function (${manifest.processing_fingerprint} then, ${processingFingerprint} now). ${startOver}.`,
    );
  }
  const recordedRows = selectionLabel(manifest.selection ?? { kind: 'all' });
  const rowsNow = selectionLabel(identity.selection ?? { kind: 'all' });
  if (recordedRows !== rowsNow) {
    throw new CheckpointMismatchError(`checkpoint ${checkpointPath} covers ${recordedRows} of the dataset, this run ${rowsNow}. ${startOver}.`);
  }
  return manifest;
}

/** The manifest at `checkpointPath`, checked to be one of this format (a reader's entry: it compares nothing). */
export async function readManifest(checkpointPath: string): Promise<CheckpointManifest> {
  const info = await stat(checkpointPath);
  if (!info.isFile()) throw notOurs(checkpointPath, 'not a file');
  return checkedManifest(checkpointPath, await readFile(checkpointPath, 'utf8'));
}

/** `readManifest`, synchronously. */
export function readManifestSync(checkpointPath: string): CheckpointManifest {
  if (!statSync(checkpointPath).isFile()) throw notOurs(checkpointPath, 'not a file');
  return checkedManifest(checkpointPath, readFileSync(checkpointPath, 'utf8'));
}

function notOurs(checkpointPath: string, why: string): CheckpointMismatchError {
  return new CheckpointMismatchError(`${checkpointPath} is not a video-batch-kernel checkpoint (${why}); give this run another checkpoint path, or ${FRESH_START_HINT}`);
}

function checkedManifest(checkpointPath: string, text: string): CheckpointManifest {
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(text) as CheckpointManifest;
  } catch (error) {
    throw new CheckpointDamagedError(
      `checkpoint ${checkpointPath} is damaged (not JSON: ${(error as Error).message}); it is left as it is. ` +
        `Give this run another checkpoint path, or ${FRESH_START_HINT}`,
      { cause: error },
    );
  }
  if (manifest?.format !== CHECKPOINT_FORMAT) throw notOurs(checkpointPath, `its "format" is not '${CHECKPOINT_FORMAT}'`);
  if (typeof manifest.dataset?.csv_sha256 !== 'string' || typeof manifest.dataset.video_col !== 'string') {
    throw notOurs(checkpointPath, 'it names no dataset; an earlier version of video-batch-kernel may have written it');
  }
  if (manifest.version > VERSION) {
    throw new CheckpointMismatchError(`checkpoint ${checkpointPath} has format version ${manifest.version}, newer than this version of video-batch-kernel reads (${VERSION})`);
  }
  return manifest;
}
