import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { RowSelection } from '../csv/rowSelection';
import { InputError } from '../inputError';
import { partCheckpointName, shardFolderName, shardOfFolder } from './jobLayout';
import { chunkFolderName, chunkFolders, readQueueJob } from './queue/queueJob';

/** One part of a job in its output folder: a static shard, or a committed queue chunk. */
export interface JobPart {
  /** The folder's name: `shard-00003-of-00008`. */
  name: string;
  folder: string;
  selection: RowSelection;
  /** Its checkpoint; undefined while the part has not started. */
  checkpointPath?: string;
  /** A queue chunk renamed to its committed folder: complete, whatever a lock left in it says. */
  committed?: boolean;
}

/** The output folder holds no job: neither shard folders nor a queue job. */
export class NoJobError extends InputError {}

/** The checkpoint in a part's folder (the one `*.vbk-checkpoint.json`), if the part has started. */
async function checkpointIn(folder: string): Promise<string | undefined> {
  if (!existsSync(folder)) return undefined;
  const names = (await readdir(folder)).filter((name) => name.endsWith('.vbk-checkpoint.json'));
  if (names.length > 1) throw new InputError(`${folder} holds more than one checkpoint (${names.join(', ')}): a part of a job keeps one`);
  return names.length ? path.join(folder, names[0]) : undefined;
}

/**
 * The static shards of the job in `outputDir`, every one of 0..N-1, started or not. The shard
 * count comes from the folders' names; shards of two different counts in one folder are two jobs
 * mixed up, which is refused rather than merged.
 */
export async function findShardParts(outputDir: string): Promise<JobPart[] | undefined> {
  if (!existsSync(outputDir)) throw new NoJobError(`${outputDir} does not exist: give the --out folder of the job`);
  const counts = new Set<number>();
  for (const name of await readdir(outputDir)) {
    const shard = shardOfFolder(name);
    if (shard) counts.add(shard.count);
  }
  if (counts.size === 0) return undefined;
  if (counts.size > 1) {
    throw new InputError(`${outputDir} holds shards of jobs with different shard counts (${[...counts].sort((a, b) => a - b).join(', ')}): give each job an output folder of its own`);
  }
  const [count] = counts;
  const parts: JobPart[] = [];
  for (let index = 0; index < count; index++) {
    const name = shardFolderName(index, count);
    const folder = path.join(outputDir, name);
    parts.push({ name, folder, selection: { kind: 'shard', index, count }, checkpointPath: await checkpointIn(folder) });
  }
  return parts;
}

/**
 * The chunks of the queue job in `outputDir` (its job.json says how many): committed, being worked
 * on (their work folder has a checkpoint), or not started.
 */
export async function findQueueParts(outputDir: string): Promise<JobPart[] | undefined> {
  const spec = await readQueueJob(outputDir);
  if (!spec) return undefined;
  const checkpointName = partCheckpointName(spec.csv_path);
  return Array.from({ length: spec.chunks }, (_, chunk): JobPart => {
    const { committed, work } = chunkFolders(outputDir, chunk, spec.chunks);
    const selection = { kind: 'range', first: chunk * spec.chunk_rows + 1, count: spec.chunk_rows } as const;
    const part = { name: chunkFolderName(chunk, spec.chunks), selection };
    if (existsSync(committed)) return { ...part, folder: committed, checkpointPath: path.join(committed, checkpointName), committed: true };
    const started = existsSync(path.join(work, checkpointName));
    return { ...part, folder: work, ...(started ? { checkpointPath: path.join(work, checkpointName) } : {}) };
  });
}

/** The parts of the job in `outputDir`, whichever way it was split; a folder with none is a NoJobError. */
export async function findJobParts(outputDir: string): Promise<JobPart[]> {
  const parts = (await findShardParts(outputDir)) ?? (await findQueueParts(outputDir));
  if (parts) return parts;
  throw new NoJobError(`${outputDir} holds no job's parts: neither shard-<I>-of-<N> folders (process --shard) nor a queue job (submit)`);
}
