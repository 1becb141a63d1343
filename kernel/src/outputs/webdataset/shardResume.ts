import { mkdir, open, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { createShard, listShards, partialFileName, shardFileName, ShardResumeError, type OpenShard, type ShardListing } from './shardFiles';
import { countShardSamples } from './shardScan';
import { END_OF_ARCHIVE_BYTES } from './tarEntries';

/**
 * Where an interrupted run's samples end, as its checkpoint recorded them: the highest shard index
 * of any acknowledged sample and, in that shard, the highest `endBytes`.
 */
export interface ShardResume {
  shardIndex: number;
  committedBytes: number;
}

interface StartPoint {
  index: number;
  committedBytes: number;
}

/**
 * Opens the shard a writer appends to. Without `resume`, a new shard after the highest complete
 * one. With it, the resumed partial cut back to `committedBytes` (what follows was never
 * acknowledged), or the next shard if the resumed one was already finished. Every other partial
 * holds nothing acknowledged and is removed; complete shards are never touched.
 */
export async function openStartShard(dir: string, resume: ShardResume | undefined): Promise<OpenShard> {
  await mkdir(dir, { recursive: true });
  const listing = await listShards(dir);
  const start = resume ? await resumePoint(dir, listing, resume) : { index: nextIndexAfter(listing.complete), committedBytes: 0 };
  const later = listing.complete.filter((index) => index >= start.index);
  if (later.length) throw new ShardResumeError(`${path.join(dir, shardFileName(Math.min(...later)))} is complete, yet the checkpoint's samples end in an earlier shard`);
  for (const index of listing.partial) {
    if (index !== start.index) await rm(path.join(dir, partialFileName(index)), { force: true });
  }
  return start.committedBytes === 0 ? createShard(dir, start.index) : reopenPartial(dir, start);
}

function nextIndexAfter(indices: number[]): number {
  return indices.reduce((highest, index) => Math.max(highest, index + 1), 0);
}

async function resumePoint(dir: string, listing: ShardListing, resume: ShardResume): Promise<StartPoint> {
  const { shardIndex, committedBytes } = resume;
  if (!Number.isSafeInteger(shardIndex) || shardIndex < 0 || !Number.isSafeInteger(committedBytes) || committedBytes < 0) {
    throw new RangeError(`a shard resume point needs whole, non-negative numbers, not ${JSON.stringify(resume)}`);
  }
  if (!listing.complete.includes(shardIndex)) return { index: shardIndex, committedBytes };
  // A shard is finished only once every sample in it is acknowledged: then it holds exactly those.
  const file = path.join(dir, shardFileName(shardIndex));
  const { size } = await stat(file);
  if (size !== committedBytes + END_OF_ARCHIVE_BYTES) {
    throw new ShardResumeError(`${file} holds ${size - END_OF_ARCHIVE_BYTES} bytes of samples, not the ${committedBytes} the checkpoint records`);
  }
  return { index: shardIndex + 1, committedBytes: 0 };
}

async function reopenPartial(dir: string, start: StartPoint): Promise<OpenShard> {
  const file = path.join(dir, partialFileName(start.index));
  const handle = await open(file, 'r+').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new ShardResumeError(`${file} is missing, yet the checkpoint records ${start.committedBytes} bytes of samples in it`) : error;
  });
  try {
    const { size } = await handle.stat();
    if (size < start.committedBytes) throw new ShardResumeError(`${file} is ${size} bytes, yet the checkpoint records ${start.committedBytes}: samples it acknowledged are lost`);
    const samples = await countShardSamples(handle, file, start.committedBytes);
    // Bytes past the checkpoint's end belong to samples never acknowledged; they are written again.
    await handle.truncate(start.committedBytes);
    return { index: start.index, handle, endBytes: start.committedBytes, samples };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
