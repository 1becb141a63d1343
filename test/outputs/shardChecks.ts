import { strict as assert } from 'node:assert';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { SamplePosition, ShardSample } from '../../kernel/src/outputs/webdataset/shardWriter';
import { readShardsWithPython, sha256, type ReadShard } from './tarReadBack';

export async function shardFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/**
 * Checks that `dir` holds only complete shards, that Python reads each to its end marker, and
 * that they hold exactly `expected`, each sample once and whole, its members in order, where
 * `positions` says (when given). Resolves with Python's view.
 */
export async function assertShardsHold(dir: string, expected: readonly ShardSample[], positions?: ReadonlyMap<string, SamplePosition>): Promise<ReadShard[]> {
  const names = await shardFiles(dir);
  assert.deepEqual(
    names.filter((name) => !/^shard-\d{6}\.tar$/.test(name)),
    [],
    'nothing but complete shards',
  );
  const shards = await readShardsWithPython(names.map((name) => path.join(dir, name)));
  const found = shards.flatMap((shard) => shard.samples.map((sample) => ({ shard: path.basename(shard.path), ...sample })));
  assert.deepEqual(found.map((sample) => sample.key).sort(), expected.map((sample) => sample.key).sort(), 'every sample once, no other');
  const byKey = new Map(found.map((sample) => [sample.key, sample]));
  for (const sample of expected) {
    const read = byKey.get(sample.key)!;
    const files = sample.files.map((file) => ({ extension: file.name, sha256: sha256(file.data) }));
    assert.deepEqual(
      read.files.map((file) => ({ extension: file.extension, sha256: file.sha256 })),
      files,
      `${sample.key}: its files, whole and in order`,
    );
    const position = positions?.get(sample.key);
    if (position) assert.deepEqual({ shard: read.shard, endBytes: read.endBytes }, { shard: position.shard, endBytes: position.endBytes }, `${sample.key} is where append said`);
  }
  return shards;
}
