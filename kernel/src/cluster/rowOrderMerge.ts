import type { RowRecordBytes } from '../checkpoint/checkpointReader';

interface Head {
  record: RowRecordBytes;
  source: Iterator<RowRecordBytes>;
}

/**
 * Merges streams that each yield rows in ascending order into one stream in row order (a binary
 * heap on each stream's next row: log2 of the streams per row), checking that no row comes twice
 * and that rows 1..totalRows all come.
 */
export function* mergeInRowOrder(streams: readonly Iterable<RowRecordBytes>[], totalRows: number): Generator<RowRecordBytes> {
  const heap: Head[] = [];
  const push = (source: Iterator<RowRecordBytes>) => {
    const next = source.next();
    if (next.done) return;
    heap.push({ record: next.value, source });
    for (let at = heap.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1;
      if (heap[parent].record.row <= heap[at].record.row) break;
      [heap[parent], heap[at]] = [heap[at], heap[parent]];
      at = parent;
    }
  };
  const popSmallest = (): Head => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    heap[0] = last;
    for (let at = 0; ; ) {
      const [left, right] = [2 * at + 1, 2 * at + 2];
      let smallest = at;
      if (left < heap.length && heap[left].record.row < heap[smallest].record.row) smallest = left;
      if (right < heap.length && heap[right].record.row < heap[smallest].record.row) smallest = right;
      if (smallest === at) break;
      [heap[smallest], heap[at]] = [heap[at], heap[smallest]];
      at = smallest;
    }
    return top;
  };
  let expected = 1;
  /** The stream whose record is out (popped, not pushed back yet): stopping there must let it go too. */
  let current: Iterator<RowRecordBytes> | undefined;
  try {
    for (const stream of streams) push(stream[Symbol.iterator]());
    while (heap.length) {
      const head = popSmallest();
      current = head.source;
      if (head.record.row !== expected) {
        throw new Error(head.record.row < expected ? `row ${head.record.row} is in two parts of the job` : `row ${expected} is in no part of the job`);
      }
      expected++;
      yield head.record;
      push(head.source);
      current = undefined;
    }
  } finally {
    // A merge stopped early (a write failed) lets go of the streams it still holds, and their files.
    current?.return?.();
    for (const { source } of heap) source.return?.();
  }
  if (expected !== totalRows + 1) throw new Error(`the job's parts hold rows 1-${expected - 1} of ${totalRows}`);
}
