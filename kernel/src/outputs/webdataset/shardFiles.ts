import { open, readdir, rename, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { syncDirectory } from '../../checkpoint/atomicFile';
import { FRESH_START_HINT } from '../../checkpoint/freshStart';
import { InputError } from '../../inputError';
import { endOfArchive } from './tarEntries';

/** A shard being written carries this suffix, so that nothing named `*.tar` is ever incomplete. */
const PARTIAL_SUFFIX = '.partial';
const SHARD_FILE = /^shard-(\d{6,})\.tar(\.partial)?$/;

/** The shards on disk and the checkpoint that resumes into them disagree: resuming would lose or repeat samples. */
export class ShardResumeError extends InputError {
  constructor(problem: string) {
    super(`${problem}, so the run cannot resume into its shards; ${FRESH_START_HINT}`);
  }
}

/** The final name of shard `index`: `shard-000000.tar`, `shard-000001.tar`, … */
export function shardFileName(index: number): string {
  return `shard-${String(index).padStart(6, '0')}.tar`;
}

export function partialFileName(index: number): string {
  return `${shardFileName(index)}${PARTIAL_SUFFIX}`;
}

/** Shard indices in a directory: finished `.tar` shards and `.tar.partial` ones being written. */
export interface ShardListing {
  complete: number[];
  partial: number[];
}

export async function listShards(dir: string): Promise<ShardListing> {
  const listing: ShardListing = { complete: [], partial: [] };
  for (const name of await readdir(dir)) {
    const match = SHARD_FILE.exec(name);
    if (match) (match[2] ? listing.partial : listing.complete).push(Number(match[1]));
  }
  return listing;
}

/** The shard being written: its open partial file, the bytes of samples in it and their count. */
export interface OpenShard {
  index: number;
  handle: FileHandle;
  endBytes: number;
  samples: number;
}

/** Starts shard `index` empty (an old partial of that name held nothing acknowledged). */
export async function createShard(dir: string, index: number): Promise<OpenShard> {
  const handle = await open(path.join(dir, partialFileName(index)), 'w');
  // The partial's name must outlive a power cut once samples in it are acknowledged.
  await syncDirectory(dir);
  return { index, handle, endBytes: 0, samples: 0 };
}

/**
 * Ends the shard's archive and only then gives it its `.tar` name, durably: the marker is synced
 * before the rename, the rename by syncing the directory. Closes the shard's file.
 */
export async function finishShard(dir: string, shard: OpenShard): Promise<void> {
  await writeChunksFully(shard.handle, [endOfArchive()], shard.endBytes);
  await shard.handle.datasync();
  await shard.handle.close();
  await rename(path.join(dir, partialFileName(shard.index)), path.join(dir, shardFileName(shard.index)));
  await syncDirectory(dir);
}

/** Writes every chunk at `position` onwards in as few calls as the file takes (a full disk may take part of one). */
export async function writeChunksFully(handle: FileHandle, chunks: Uint8Array[], position: number): Promise<void> {
  let pending = chunks;
  for (let at = position; pending.length; ) {
    const { bytesWritten } = await handle.writev(pending, at);
    if (bytesWritten === 0) throw new Error(`a write at byte ${at} took nothing`);
    at += bytesWritten;
    pending = chunksAfter(pending, bytesWritten);
  }
}

/** What is left of `chunks` once their first `count` bytes are written. */
function chunksAfter(chunks: Uint8Array[], count: number): Uint8Array[] {
  let whole = 0;
  let skipped = 0;
  while (whole < chunks.length && skipped + chunks[whole].byteLength <= count) skipped += chunks[whole++].byteLength;
  const rest = chunks.slice(whole);
  if (rest.length && count > skipped) rest[0] = rest[0].subarray(count - skipped);
  return rest;
}
