import { mkdir, rename } from 'node:fs/promises';
import * as path from 'node:path';
import type { CheckpointEntry } from '../../checkpoint/checkpoint';
import type { JournalSample } from '../../checkpoint/journal';
import type { ProcessingRecord } from '../../checkpoint/processingRecord';
import { listShards, shardFileName } from './shardFiles';
import { resultObject } from '../parquetColumns';
import { ShardWriter, type SamplePosition, type ShardWriterOptions } from './shardWriter';
import { sampleKey } from './sampleKey';
import { videoSample } from './videoSample';

/** The folder of a run's shards, inside its output directory. */
export const SHARDS_FOLDER = 'shards';

/** Journals a batch of rows in one write (Checkpoint.appendAll). */
export type JournalBatch = (entries: readonly CheckpointEntry[]) => Promise<void>;

interface PendingSample {
  entry: CheckpointEntry;
  jpegs: readonly Uint8Array[];
  done: () => void;
  failed: (error: unknown) => void;
}

/**
 * Processed rows into WebDataset shards, then into the journal: a batch of samples is appended to
 * the open shard (one write, one fsync), then the batch's records, each naming its shard and where
 * its sample ends, go to the journal in one write; only then does the next batch start, so a shard
 * is finished only when all its samples are journaled. A kill at any moment leaves samples past the
 * last journaled end, which the resume cuts off (and runs again), and never a journaled sample
 * outside a shard. Samples wait here only while the batch before them is written: memory is one
 * batch of JPEGs.
 */
export class WebDatasetSink {
  private pending: PendingSample[] = [];
  private writing?: Promise<void>;

  private constructor(
    private readonly writer: ShardWriter,
    private readonly journal: JournalBatch,
  ) {}

  /**
   * Opens the shards of `outputDir`: resumed at `lastSample` (the checkpoint's), or, for a job with
   * no sample yet, after moving aside the complete shards of an earlier job there (renamed
   * `*.tar.replaced-<time>`, so they are kept but no longer read as this dataset's).
   */
  static async open(outputDir: string, options: ShardWriterOptions, lastSample: JournalSample | undefined, journal: JournalBatch): Promise<WebDatasetSink> {
    const dir = path.join(outputDir, SHARDS_FOLDER);
    await mkdir(dir, { recursive: true });
    if (!lastSample) await setAsideOtherJobsShards(dir);
    const writer = await ShardWriter.open(dir, options, lastSample && { shardIndex: lastSample.shardIndex, committedBytes: lastSample.endBytes });
    return new WebDatasetSink(writer, journal);
  }

  /** The record as `<key>.json` holds it: its result names the sample's key. */
  static keyedRecord(record: ProcessingRecord): ProcessingRecord {
    const result = resultObject(record.result);
    return result ? { ...record, result: { ...result, key: sampleKey(record.id) } } : record;
  }

  /** Adds a processed row's sample (`record` from `keyedRecord`); resolves once it is in a shard and journaled. */
  add(entry: CheckpointEntry, jpegs: readonly Uint8Array[]): Promise<void> {
    return new Promise((done, failed) => {
      this.pending.push({ entry, jpegs, done, failed });
      this.writing ??= this.writeBatches();
    });
  }

  /** The end of a run that settled every row: the open shard becomes a complete `.tar`. */
  async finish(): Promise<void> {
    await this.writing;
    await this.writer.finish();
  }

  /** The end of an interrupted run: the open shard stays partial, for the resume to continue. */
  async close(): Promise<void> {
    await this.writing;
    await this.writer.close();
  }

  private async writeBatches(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        const positions = await this.writer.append(batch.map(({ entry, jpegs }) => videoSample(entry.record, jpegs)));
        await this.journal(batch.map(({ entry }, at) => placed(entry, positions[at])));
        for (const item of batch) item.done();
      } catch (error) {
        for (const item of batch) item.failed(error);
      }
    }
    this.writing = undefined;
  }
}

/** The entry as journaled: its record names its shard (`shards/shard-000003.tar`, from the output folder), the journal where the sample ends. */
function placed(entry: CheckpointEntry, position: SamplePosition): CheckpointEntry {
  const result = resultObject(entry.record.result);
  const record = result ? { ...entry.record, result: { ...result, shard: `${SHARDS_FOLDER}/${position.shard}` } } : entry.record;
  return { ...entry, record, sample: { shardIndex: position.shardIndex, endBytes: position.endBytes } };
}

async function setAsideOtherJobsShards(dir: string): Promise<void> {
  const { complete } = await listShards(dir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const index of complete) await rename(path.join(dir, shardFileName(index)), path.join(dir, `${shardFileName(index)}.replaced-${stamp}`));
}
