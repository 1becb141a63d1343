import * as assert from 'node:assert/strict';
import { SelectedRows } from '../../kernel/src/csv/rowSelection';
import { parseShardFlag } from '../../kernel/src/cli/shardFlag';
import { RowOutcomes } from '../../kernel/src/checkpoint/rowOutcomes';

describe('row selections: static shards and queue chunks', () => {
  it('puts every row in exactly one of N shards, (r-1) mod N == I, with slots in row order', () => {
    for (const [total, count] of [[19, 3], [5, 8], [1, 1], [100, 7]]) {
      const owners = new Map<number, number>();
      for (let index = 0; index < count; index++) {
        const rows = new SelectedRows({ kind: 'shard', index, count }, total);
        let slots = 0;
        for (let row = 1; row <= total; row++) {
          if (!rows.includes(row)) continue;
          assert.equal((row - 1) % count, index);
          assert.equal(rows.slotOf(row), slots, `row ${row} of shard ${index}/${count}`);
          assert.equal(rows.rowAt(slots), row);
          slots++;
          assert.equal(owners.has(row), false);
          owners.set(row, index);
        }
        assert.equal(rows.size, slots, `size of shard ${index}/${count} of ${total}`);
      }
      assert.equal(owners.size, total);
    }
  });

  it('sizes a range by the rows of the CSV it holds', () => {
    assert.equal(new SelectedRows({ kind: 'range', first: 129, count: 128 }, 200).size, 72);
    const rows = new SelectedRows({ kind: 'range', first: 129, count: 128 }, 1000);
    assert.deepEqual([rows.slotOf(128), rows.slotOf(129), rows.slotOf(256), rows.slotOf(257)], [-1, 0, 127, -1]);
  });

  it("sizes a shard's row index by its own rows, not the whole CSV, and refuses another shard's row", () => {
    const outcomes = new RowOutcomes(new SelectedRows({ kind: 'shard', index: 3, count: 256 }, 1_000_000));
    assert.ok(outcomes.byteSize < 60_000, `${outcomes.byteSize} bytes for 3907 rows`);
    outcomes.set(4, { status: 'processed' }, 0, 10);
    outcomes.set(260, { status: 'failed', error: 'file not found: /v/260.mp4' }, 10, 10);
    assert.deepEqual([...outcomes.spansInRowOrder()].map((span) => span.row), [4, 260]);
    assert.equal(outcomes.failureKindCounts().missing_file, 1);
    assert.throws(() => outcomes.set(5, { status: 'processed' }, 20, 10), /not one of this checkpoint's rows \(shard 3\/256\)/);
  });
});

describe('--shard', () => {
  it('takes I/N and refuses a shard that does not exist', () => {
    assert.deepEqual(parseShardFlag('2/8', undefined, {}), { index: 2, count: 8 });
    assert.throws(() => parseShardFlag('8/8', undefined, {}), /does not exist/);
    assert.throws(() => parseShardFlag('2-8', undefined, {}), /takes I\/N/);
  });

  it('reads a Slurm array task, counting from the array\'s first id, and refuses arrays with gaps', () => {
    assert.deepEqual(parseShardFlag('auto', undefined, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '64' }), { index: 5, count: 64 });
    const fromOne = { SLURM_ARRAY_TASK_ID: '64', SLURM_ARRAY_TASK_COUNT: '64', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '64' };
    assert.deepEqual(parseShardFlag('auto', undefined, fromOne), { index: 63, count: 64 });
    const gaps = { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '8', SLURM_ARRAY_TASK_STEP: '4' };
    assert.throws(() => parseShardFlag('auto', undefined, gaps), /consecutive ids/);
  });

  it('reads a Kubernetes Indexed Job index with --shards, and says what is missing otherwise', () => {
    assert.deepEqual(parseShardFlag('auto', '16', { JOB_COMPLETION_INDEX: '15' }), { index: 15, count: 16 });
    assert.throws(() => parseShardFlag('auto', undefined, { JOB_COMPLETION_INDEX: '1' }), /needs --shards N/);
    assert.throws(() => parseShardFlag('auto', undefined, {}), /neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
    assert.throws(() => parseShardFlag(undefined, '4', {}), /--shards N goes with --shard auto/);
  });
});
