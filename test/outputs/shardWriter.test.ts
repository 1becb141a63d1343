import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../kernel/src/inputError';
import { ShardResumeError, writeChunksFully } from '../../kernel/src/outputs/webdataset/shardFiles';
import { ShardWriter, type SamplePosition, type ShardSample, type ShardWriterOptions } from '../../kernel/src/outputs/webdataset/shardWriter';
import { assertShardsHold, shardFiles } from './shardChecks';
import { testSample } from './testSamples';
import { sha256 } from './tarReadBack';

/** testSample(n, 1000) is 4096 bytes in a shard: json (header + a block), two frames (header + two blocks each). */
const SAMPLE_BYTES = 4096;
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('shard writer', () => {
  let dir: string;
  let shards: string;
  let writer: ShardWriter | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-shards-'));
    shards = path.join(dir, 'shards');
  });
  afterEach(async () => {
    await writer?.close();
    writer = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (options: ShardWriterOptions = {}, resume?: { shardIndex: number; committedBytes: number }) => (writer = await ShardWriter.open(shards, options, resume));
  /** Appends batches of samples (by number), returning each sample's position by key. */
  const appendBatches = async (target: ShardWriter, batches: number[][], frameBytes?: number) => {
    const positions = new Map<string, SamplePosition>();
    for (const batch of batches) {
      const samples = batch.map((n) => testSample(n, frameBytes));
      const placed = await target.append(samples);
      samples.forEach((sample, i) => positions.set(sample.key, placed[i]));
    }
    return positions;
  };
  const samplesPerShard = async (expected: ShardSample[]) => (await assertShardsHold(shards, expected)).map((shard) => shard.samples.map((sample) => sample.key));
  const keys = (numbers: number[]) => numbers.map((n) => `s${n}`);

  it('writes batches that Python reads back grouped by the WebDataset rule, each sample where append said', async () => {
    const target = await open();
    const positions = await appendBatches(target, [[0, 1, 2], [3], range(4, 6)]);
    await target.finish();
    await assertShardsHold(shards, range(0, 10).map((n) => testSample(n)), positions);
    const ends = [...positions.values()].map((position) => position.endBytes);
    assert.deepEqual(ends, [...ends].sort((a, b) => a - b));
    assert.deepEqual(await shardFiles(shards), ['shard-000000.tar']);
  });

  it('writes a batch of more chunks than one writev takes, and continues a short write where it stopped', async () => {
    const target = await open();
    const batch = range(0, 200).map((n) => testSample(n, 100)); // 9 chunks each: above IOV_MAX (1024)
    const placed = await target.append(batch);
    await target.finish();
    await assertShardsHold(shards, batch, new Map(batch.map((sample, i) => [sample.key, placed[i]])));

    const chunks = [Buffer.from('abc'), Buffer.from('defghij'), Buffer.from('k'), Buffer.from('lmnopqrstuvwxyz')];
    const file = Buffer.alloc(30, '.');
    const calls: number[] = [];
    const takesFiveBytes = {
      writev: async (buffers: Uint8Array[], position: number) => {
        const bytes = Buffer.concat(buffers).subarray(0, 5);
        bytes.copy(file, position);
        calls.push(position);
        return { bytesWritten: bytes.length, buffers };
      },
    };
    await writeChunksFully(takesFiveBytes as unknown as FileHandle, chunks, 2);
    assert.equal(file.toString(), '..abcdefghijklmnopqrstuvwxyz..');
    assert.deepEqual(calls, [2, 7, 12, 17, 22, 27], 'each call where the last one stopped');
  });

  it('rolls by size, finishing a full shard only at the start of the next append', async () => {
    const target = await open({ maxShardBytes: 3 * SAMPLE_BYTES + 1024 });
    const listings: string[][] = [];
    let next = 0;
    for (const size of [1, 1, 1, 1, 2, 2, 1]) {
      await target.append(range(next, size).map((n) => testSample(n, 1000)));
      next += size;
      listings.push(await shardFiles(shards));
    }
    assert.deepEqual(listings.slice(2, 4), [['shard-000000.tar.partial'], ['shard-000000.tar', 'shard-000001.tar.partial']], 'the third sample fills shard 0; the fourth finishes it');
    await target.finish();
    const expected = range(0, 9).map((n) => testSample(n, 1000));
    assert.deepEqual(await samplesPerShard(expected), [keys([0, 1, 2]), keys([3, 4, 5]), keys([6, 7, 8])]);
    for (const name of await shardFiles(shards)) assert.equal((await stat(path.join(shards, name))).size, 3 * SAMPLE_BYTES + 1024);
  });

  it('rolls by sample count; a batch over the limit makes a shard by itself', async () => {
    const target = await open({ maxShardSamples: 4 });
    await appendBatches(target, [[0], [1, 2], [3], [4, 5, 6], [7, 8], range(9, 6), [15]]);
    await target.finish();
    assert.deepEqual(await samplesPerShard(range(0, 16).map((n) => testSample(n))), [keys([0, 1, 2, 3]), keys([4, 5, 6]), keys([7, 8]), keys(range(9, 6)), keys([15])]);
  });

  it('puts a sample larger than a shard into a shard of its own', async () => {
    const target = await open({ maxShardBytes: 3 * SAMPLE_BYTES + 1024 });
    await appendBatches(target, [[0]], 3 * SAMPLE_BYTES);
    await appendBatches(target, [[1], [2], [3]], 1000);
    await appendBatches(target, [[4]], 3 * SAMPLE_BYTES);
    await appendBatches(target, [[5]], 1000);
    await target.finish();
    const expected = [0, 4].map((n) => testSample(n, 3 * SAMPLE_BYTES)).concat([1, 2, 3, 5].map((n) => testSample(n, 1000)));
    assert.deepEqual(await samplesPerShard(expected), [keys([0]), keys([1, 2, 3]), keys([4]), keys([5])]);
  });

  it('finish removes an empty partial; close leaves the partial for a resume and refuses further appends', async () => {
    await (await open()).finish();
    assert.deepEqual(await shardFiles(shards), []);
    const target = await open();
    await appendBatches(target, [[0, 1]]);
    await target.close();
    assert.deepEqual(await shardFiles(shards), ['shard-000000.tar.partial']);
    await assert.rejects(target.append([testSample(2)]), /closed/);
    await assert.rejects(target.finish(), /closed/);
  });

  it('opened afresh, starts after the highest complete shard, removes every partial and leaves complete shards as they were', async () => {
    const first = await open({ maxShardSamples: 2 });
    await appendBatches(first, [[0, 1], [2, 3], [4]]);
    await first.close();
    await writeFile(path.join(shards, 'shard-000007.tar.partial'), 'left by another run');
    const before = await Promise.all(['shard-000000.tar', 'shard-000001.tar'].map(async (name) => sha256(await readFile(path.join(shards, name)))));
    const second = await open({ maxShardSamples: 2 });
    assert.deepEqual(await shardFiles(shards), ['shard-000000.tar', 'shard-000001.tar', 'shard-000002.tar.partial']);
    const positions = await appendBatches(second, [[5]]);
    await second.finish();
    assert.equal(positions.get('s5')!.shard, 'shard-000002.tar');
    const after = await Promise.all(['shard-000000.tar', 'shard-000001.tar'].map(async (name) => sha256(await readFile(path.join(shards, name)))));
    assert.deepEqual(after, before);
    assert.deepEqual(await samplesPerShard([0, 1, 2, 3, 5].map((n) => testSample(n))), [keys([0, 1]), keys([2, 3]), keys([5])]);
  });

  it('resumes a partial shard cut back to the recorded end, still counting its samples toward the limit', async () => {
    const first = await open({ maxShardSamples: 3 });
    const recorded = await appendBatches(first, [[0], [1]]);
    await appendBatches(first, [[2]], 8000); // written, but its position was never recorded; larger than s3
    await first.close();
    const resumed = await open({ maxShardSamples: 3 }, { shardIndex: 0, committedBytes: recorded.get('s1')!.endBytes });
    const positions = await appendBatches(resumed, [[3], [4]]);
    await resumed.finish();
    const expected = [0, 1, 3, 4].map((n) => testSample(n));
    const read = await assertShardsHold(shards, expected, new Map([...recorded, ...positions]));
    assert.deepEqual(
      read.map((shard) => shard.samples.map((sample) => sample.key)),
      [keys([0, 1, 3]), keys([4])],
    );
  });

  it('resumes into the next shard when the recorded shard was already finished', async () => {
    const first = await open({ maxShardSamples: 1 });
    const recorded = await appendBatches(first, [[0]]);
    await appendBatches(first, [[1]]); // finishes shard 0, then writes s1 into shard 1 unrecorded
    await first.close();
    const resumed = await open({ maxShardSamples: 1 }, { shardIndex: 0, committedBytes: recorded.get('s0')!.endBytes });
    const positions = await appendBatches(resumed, [[2]]);
    await resumed.finish();
    assert.equal(positions.get('s2')!.shard, 'shard-000001.tar');
    assert.deepEqual(await samplesPerShard([0, 2].map((n) => testSample(n))), [keys([0]), keys([2])]);
  });

  it('refuses to resume where recorded samples are lost or the shards disagree, naming the file', async () => {
    const first = await open({ maxShardSamples: 2 });
    const recorded = await appendBatches(first, [[0, 1], [2]]);
    await first.close();
    const end = recorded.get('s2')!.endBytes;
    const partial = path.join(shards, 'shard-000001.tar.partial');
    const refusal = (pattern: RegExp) => (error: unknown) => error instanceof ShardResumeError && error instanceof InputError && pattern.test(error.message);

    await assert.rejects(open({}, { shardIndex: 1, committedBytes: end + 512 }), refusal(/shard-000001\.tar\.partial is \d+ bytes, yet the checkpoint records/));
    await assert.rejects(open({}, { shardIndex: 1, committedBytes: end - 512 }), refusal(/shard-000001\.tar\.partial holds no whole tar member/));
    await assert.rejects(open({}, { shardIndex: 0, committedBytes: 1024 }), refusal(/shard-000000\.tar holds \d+ bytes of samples, not the 1024/));
    await assert.rejects(open({}, { shardIndex: 0, committedBytes: recorded.get('s1')!.endBytes - 1 }), refusal(/shard-000000\.tar holds/));
    await writeFile(path.join(shards, 'shard-000003.tar'), '');
    await assert.rejects(open({}, { shardIndex: 1, committedBytes: end }), refusal(/shard-000003\.tar is complete, yet/));
    await rm(path.join(shards, 'shard-000003.tar'));
    await rm(partial);
    await assert.rejects(open({}, { shardIndex: 1, committedBytes: end }), refusal(/shard-000001\.tar\.partial is missing/));
    await assert.rejects(open({}, { shardIndex: -1, committedBytes: 0 }), RangeError);
    const empty = await open({}, { shardIndex: 1, committedBytes: 0 });
    await empty.finish();
    assert.deepEqual(await shardFiles(shards), ['shard-000000.tar']);
  });

  it('refuses keys outside [A-Za-z0-9_-], empty, duplicate or nested file names, and an append before the last one resolved', async () => {
    const target = await open();
    const data = new Uint8Array(1);
    await assert.rejects(target.append([{ key: 'a.b', files: [{ name: 'json', data }] }]), /sample key "a.b"/);
    await assert.rejects(target.append([{ key: 'a', files: [] }]), /distinct, non-empty names/);
    await assert.rejects(target.append([{ key: 'a', files: [{ name: 'json', data }, { name: 'json', data }] }]), /distinct/);
    await assert.rejects(target.append([{ key: 'a', files: [{ name: 'x/json', data }] }]), /without '\/'/);
    const first = target.append([testSample(0)]);
    await assert.rejects(target.append([testSample(1)]), /before the previous append resolved/);
    await first;
    assert.deepEqual(await target.append([]), []);
    await target.finish();
    await assertShardsHold(shards, [testSample(0)]);
  });
});
