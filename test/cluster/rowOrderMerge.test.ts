import { strict as assert } from 'node:assert';
import { mergeInRowOrder } from '../../kernel/src/cluster/rowOrderMerge';
import type { RowRecordBytes } from '../../kernel/src/checkpoint/checkpointReader';

/** A part's records of `rows`, noting whether its reader was let go (its journal closed). */
function part(rows: number[]): { records: Generator<RowRecordBytes>; released: () => boolean } {
  let released = false;
  const records = (function* () {
    try {
      for (const row of rows) yield { row, bytes: Buffer.from(`{"row":${row}}`) };
    } finally {
      released = true;
    }
  })();
  return { records, released: () => released };
}

describe('merging parts in row order', () => {
  it('interleaves shards row by row', () => {
    const merged = [...mergeInRowOrder([part([1, 3, 5]).records, part([2, 4]).records], 5)].map((record) => record.row);
    assert.deepEqual(merged, [1, 2, 3, 4, 5]);
  });

  it('stopped early (a write failed), lets go of every part, the one whose record is out included', () => {
    const parts = [part([1, 3]), part([2, 4])];
    const merge = mergeInRowOrder(parts.map((each) => each.records), 4);
    assert.equal(merge.next().value?.row, 1);
    merge.return(undefined);
    assert.deepEqual(parts.map((each) => each.released()), [true, true]);
  });
});
