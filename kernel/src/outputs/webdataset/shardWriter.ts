import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { isStorageFull, StorageFullError } from '../../checkpoint/storageFull';
import { createShard, finishShard, partialFileName, shardFileName, writeChunksFully, type OpenShard } from './shardFiles';
import { openStartShard, type ShardResume } from './shardResume';
import { END_OF_ARCHIVE_BYTES, tarMember, type TarMember } from './tarEntries';

export type { ShardResume } from './shardResume';

/** WebDataset's customary shard size: large enough for streaming reads, small enough to shuffle by shard. */
export const DEFAULT_MAX_SHARD_BYTES = 2 ** 30;
/**
 * Caps shards of small samples (metadata and a few frames), which 1 GiB would let grow to hundreds
 * of thousands: loaders shuffle and split work by shard, and a resume reads the partial shard's
 * headers. 16 frames of 10–60 KB fill 1 GiB first, so for keyframe runs the size limit rules.
 */
export const DEFAULT_MAX_SHARD_SAMPLES = 10_000;

export interface ShardWriterOptions {
  /** A shard's size, end marker included, that a batch may not push it past (unless the shard is empty). */
  maxShardBytes?: number;
  /** A shard's sample count that a batch may not push it past (unless the shard is empty). */
  maxShardSamples?: number;
  /**
   * Every member's mtime. Fixed (default 0, the epoch) rather than the time of writing, so the same
   * samples give the same bytes in a first run, a rerun or a resume, and shard checksums compare.
   */
  mtimeSeconds?: number;
}

/** One file of a sample: `name` is the member name after `<key>.`, e.g. `json` or `0003.jpg`. */
export interface SampleFile {
  name: string;
  data: Uint8Array;
}

export interface ShardSample {
  key: string;
  files: readonly SampleFile[];
}

/** Where a sample went; the checkpoint keeps, per shard, the highest `endBytes` it recorded. */
export interface SamplePosition {
  /** The shard's final name (in the writer's directory), which it has once complete. */
  shard: string;
  shardIndex: number;
  /** The shard's bytes up to the end of this sample: where a resume cuts the partial shard. */
  endBytes: number;
}

const SAMPLE_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Writes samples into WebDataset tar shards `shard-NNNNNN.tar` in one directory. The shard being
 * written is `shard-NNNNNN.tar.partial` and is renamed to `.tar` only once complete. A sample never
 * spans two shards, and a shard is finished only when every sample in it is acknowledged (see
 * `append`), so after a crash and a resume each acknowledged sample is in exactly one shard.
 */
export class ShardWriter {
  private shard: OpenShard | undefined;
  private inFlight: Promise<SamplePosition[]> | undefined;

  private constructor(
    readonly dir: string,
    private readonly options: Required<ShardWriterOptions>,
    shard: OpenShard,
  ) {
    this.shard = shard;
  }

  /**
   * Opens `dir` (created if missing) for appending. Without `resume`: a new shard after the highest
   * complete one; leftover partials are removed. With `resume` (from the checkpoint of the run that
   * was interrupted): its partial shard is cut back to `committedBytes` and appended to.
   */
  static async open(dir: string, options: ShardWriterOptions = {}, resume?: ShardResume): Promise<ShardWriter> {
    const settled = {
      maxShardBytes: options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES,
      maxShardSamples: options.maxShardSamples ?? DEFAULT_MAX_SHARD_SAMPLES,
      mtimeSeconds: options.mtimeSeconds ?? 0,
    };
    for (const limit of ['maxShardBytes', 'maxShardSamples'] as const) {
      if (!Number.isSafeInteger(settled[limit]) || settled[limit] < 1) throw new RangeError(`${limit} must be a whole number above 0, not ${settled[limit]}`);
    }
    return new ShardWriter(dir, settled, await openStartShard(dir, resume));
  }

  /**
   * Writes a batch of samples with one write and one fsync, and resolves with each sample's
   * position, in order. Contract: call `append` (or `finish`) again only after the previous batch's
   * positions are durable in the checkpoint. A full shard is finished at the start of the next
   * call, never within one, so a `.tar` never holds a sample whose position might still be lost. A
   * batch is never split: a shard is finished before a batch that would push it past a limit, and
   * a batch over the limits on its own makes one shard by itself. After a failed append the writer
   * is closed; reopen it with the checkpoint's resume point.
   */
  async append(samples: readonly ShardSample[]): Promise<SamplePosition[]> {
    if (this.inFlight) throw new Error('append was called before the previous append resolved');
    const members = samples.map((sample) => this.membersOf(sample));
    const shard = this.openShard();
    const work = this.appendMembers(shard, members).finally(() => (this.inFlight = undefined));
    this.inFlight = work;
    return work;
  }

  /**
   * Ends a complete run: the current shard becomes a `.tar` if it holds samples (an empty partial
   * is removed). Same contract as `append`: call it after the last batch's positions are durable.
   * An interrupted run calls `close` instead, so that its resume continues the partial shard.
   */
  async finish(): Promise<void> {
    if (this.inFlight) throw new Error('finish was called before the last append resolved');
    const shard = this.openShard();
    this.shard = undefined;
    if (shard.samples) return finishShard(this.dir, shard).catch((error: unknown) => this.fail(shard, error));
    await shard.handle.close();
    await rm(path.join(this.dir, partialFileName(shard.index)), { force: true });
  }

  /** Closes the partial shard as it is, for a resume to continue (waits for an append in flight). */
  async close(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    const shard = this.shard;
    this.shard = undefined;
    await shard?.handle.close();
  }

  private openShard(): OpenShard {
    if (!this.shard) throw new Error(`the shard writer for ${this.dir} is closed`);
    return this.shard;
  }

  private membersOf(sample: ShardSample): TarMember {
    if (!SAMPLE_KEY.test(sample.key)) throw new RangeError(`sample key ${JSON.stringify(sample.key)} has characters outside [A-Za-z0-9_-] (see sampleKey)`);
    const names = new Set(sample.files.map((file) => file.name));
    if (!sample.files.length || names.size < sample.files.length || [...names].some((name) => !name || name.includes('/'))) {
      throw new RangeError(`sample ${sample.key} needs files with distinct, non-empty names without '/'`);
    }
    const members = sample.files.map((file) => tarMember(`${sample.key}.${file.name}`, file.data, this.options.mtimeSeconds));
    return { chunks: members.flatMap((member) => member.chunks), byteLength: members.reduce((total, member) => total + member.byteLength, 0) };
  }

  private async appendMembers(current: OpenShard, samples: TarMember[]): Promise<SamplePosition[]> {
    if (!samples.length) return [];
    let shard = current;
    try {
      const batchBytes = samples.reduce((total, sample) => total + sample.byteLength, 0);
      const overflows = shard.endBytes + batchBytes + END_OF_ARCHIVE_BYTES > this.options.maxShardBytes || shard.samples + samples.length > this.options.maxShardSamples;
      if (shard.samples && overflows) {
        // Every sample in it was acknowledged before this call (the contract), so it may be finished.
        await finishShard(this.dir, shard);
        shard = this.shard = await createShard(this.dir, shard.index + 1);
      }
      return await this.writeBatch(shard, samples);
    } catch (error) {
      return this.fail(shard, error);
    }
  }

  private async writeBatch(shard: OpenShard, samples: TarMember[]): Promise<SamplePosition[]> {
    let end = shard.endBytes;
    const positions = samples.map((sample) => ({ shard: shardFileName(shard.index), shardIndex: shard.index, endBytes: (end += sample.byteLength) }));
    await writeChunksFully(shard.handle, samples.flatMap((sample) => sample.chunks), shard.endBytes);
    await shard.handle.datasync();
    shard.endBytes = end;
    shard.samples += samples.length;
    return positions;
  }

  /** A failed write leaves the partial as the checkpoint cannot know it: only a resume may continue. */
  private async fail(shard: OpenShard, error: unknown): Promise<never> {
    this.shard = undefined;
    await shard.handle.close().catch(() => undefined);
    const file = path.join(this.dir, partialFileName(shard.index));
    throw isStorageFull(error) ? new StorageFullError(`no space left on device for ${file}`) : error;
  }
}
