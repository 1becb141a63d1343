import * as path from 'node:path';
import { csvRecords } from '../csv/csvRecords';
import { columnPositions, rowCells, videoRowOf, type ColumnPositions, type VideoColumns, type VideoRow } from '../csv/videoRows';
import { randomBelow, type RandomSource } from './seededRandom';

/** The rows a check draws from a CSV. */
export interface RowSample {
  /** The drawn rows, in CSV order. */
  rows: VideoRow[];
  /** Data rows in the CSV. */
  totalRows: number;
  /** Rows that could be drawn: a path and an id, and neither repeating a row held in the sample. */
  candidates: number;
}

/** The sample being drawn: its slots, and the ids and paths they hold so that a repeat is passed over. */
class Reservoir {
  readonly slots: VideoRow[] = [];
  candidates = 0;
  private readonly heldIds = new Set<string>();
  /** Paths as the CSV writes them: a row is resolved into a VideoRow only when it takes a slot. */
  private readonly heldPaths = new Set<string>();

  constructor(
    private readonly size: number,
    private readonly random: RandomSource,
    private readonly positions: ColumnPositions,
    private readonly folder: string,
  ) {}

  offer(fields: string[], rowNumber: number): void {
    const { id, rawPath } = rowCells(fields, rowNumber, this.positions);
    if (!rawPath || !id || this.heldIds.has(id) || this.heldPaths.has(rawPath)) return;
    this.candidates++;
    // Algorithm R: the n-th candidate takes a slot with probability size/n, so every candidate ends
    // in the sample with the same probability, whatever the CSV's length.
    const slot = this.slots.length < this.size ? this.slots.length : randomBelow(this.random, this.candidates);
    if (slot < this.size) this.hold(slot, videoRowOf(fields, rowNumber, this.positions, this.folder));
  }

  private hold(slot: number, row: VideoRow): void {
    const previous = this.slots[slot];
    if (previous) {
      this.heldIds.delete(previous.id);
      this.heldPaths.delete(previous.rawPath);
    }
    this.slots[slot] = row;
    this.heldIds.add(row.id);
    this.heldPaths.add(row.rawPath);
  }
}

/**
 * `size` rows drawn at random from the CSV in one streaming pass (reservoir sampling): per row one
 * random number and a comparison, and nothing kept but the `size` slots (with their ids and paths),
 * so a CSV of millions of rows costs no more memory than one of twenty. Rows the `process` command
 * would skip (an empty path or id) are never drawn; nor is a repeat of an id or a path already in
 * the sample, so the sample holds `size` different videos when the CSV has them.
 */
export async function sampleVideoRows(csvPath: string, columns: VideoColumns, size: number, random: RandomSource): Promise<RowSample> {
  const records = csvRecords(csvPath);
  let totalRows = 0;
  let reservoir: Reservoir | undefined;
  try {
    const header = await records.next();
    const positions = columnPositions(header.done ? undefined : header.value, columns, csvPath);
    reservoir = new Reservoir(size, random, positions, path.dirname(path.resolve(csvPath)));
    for await (const fields of records) reservoir.offer(fields, ++totalRows);
  } finally {
    await records.return(undefined);
  }
  const rows = [...reservoir.slots].sort((a, b) => a.rowNumber - b.rowNumber);
  return { rows, totalRows, candidates: reservoir.candidates };
}
