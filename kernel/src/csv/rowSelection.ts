/**
 * Which of a CSV's data rows (numbered from 1) one run covers: all of them; a static shard, every
 * `count`-th row from `index` (rows r with (r - 1) mod count == index, so shards of any size stay
 * within one row of each other whatever order the CSV is in); or a contiguous range, a queue chunk.
 */
export type RowSelection =
  | { kind: 'all' }
  | { kind: 'shard'; index: number; count: number }
  | { kind: 'range'; first: number; count: number };

export const ALL_ROWS: RowSelection = { kind: 'all' };

/**
 * A selection over a dataset of known size: how many rows it holds and where each sits among them
 * (its slot), so per-row state is sized by the rows a run covers, not by the whole CSV. Slots
 * follow row order, so iterating slots is iterating rows in CSV order.
 */
export class SelectedRows {
  readonly size: number;

  constructor(
    readonly selection: RowSelection,
    readonly totalRows: number,
  ) {
    this.size = selectionSize(selection, totalRows);
  }

  includes(row: number): boolean {
    return this.slotOf(row) >= 0;
  }

  /** The row's 0-based position among the selected rows; -1 when it is not one of them. */
  slotOf(row: number): number {
    const { selection } = this;
    // No upper bound: a checkpoint's index grows rather than refusing a row (the fingerprint ties it to one CSV).
    if (!Number.isInteger(row) || row < 1) return -1;
    switch (selection.kind) {
      case 'all':
        return row - 1;
      case 'shard':
        return (row - 1) % selection.count === selection.index ? Math.floor((row - 1) / selection.count) : -1;
      case 'range':
        return row >= selection.first && row < selection.first + selection.count ? row - selection.first : -1;
    }
  }

  /** The row at a slot (0 <= slot < size). */
  rowAt(slot: number): number {
    const { selection } = this;
    switch (selection.kind) {
      case 'all':
        return slot + 1;
      case 'shard':
        return slot * selection.count + selection.index + 1;
      case 'range':
        return selection.first + slot;
    }
  }
}

function selectionSize(selection: RowSelection, totalRows: number): number {
  switch (selection.kind) {
    case 'all':
      return totalRows;
    case 'shard':
      return totalRows > selection.index ? Math.floor((totalRows - 1 - selection.index) / selection.count) + 1 : 0;
    case 'range':
      return Math.max(0, Math.min(selection.count, totalRows - selection.first + 1));
  }
}

/** A selection checked for sense: a shard index below its count, a range inside the rows. */
export function checkedSelection(selection: RowSelection): RowSelection {
  const whole = (value: number, min: number) => Number.isInteger(value) && value >= min;
  if (selection.kind === 'shard' && !(whole(selection.count, 1) && whole(selection.index, 0) && selection.index < selection.count)) {
    throw new RangeError(`a shard is index/count with 0 <= index < count, got ${selection.index}/${selection.count}`);
  }
  if (selection.kind === 'range' && !(whole(selection.first, 1) && whole(selection.count, 1))) {
    throw new RangeError(`a row range starts at a row >= 1 and holds >= 1 rows, got first ${selection.first}, count ${selection.count}`);
  }
  return selection;
}

/** How a selection reads in messages and file names: `shard 3/8`, `rows 129-256`. */
export function selectionLabel(selection: RowSelection): string {
  switch (selection.kind) {
    case 'all':
      return 'all rows';
    case 'shard':
      return `shard ${selection.index}/${selection.count}`;
    case 'range':
      return `rows ${selection.first}-${selection.first + selection.count - 1}`;
  }
}
