import * as path from 'node:path';
import { csvRecords } from '../csv/csvRecords';
import { columnPositions, videoRowOf, type VideoColumns, type VideoRow } from '../csv/videoRows';
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
  private readonly heldPaths = new Set<string>();

  constructor(
    private readonly size: number,
    private readonly random: RandomSource,
  ) {}

  offer(row: VideoRow): void {
    if (row.problem || this.heldIds.has(row.id) || this.heldPaths.has(row.videoPath)) return;
    this.candidates++;
    if (this.slots.length < this.size) {
      this.hold(this.slots.length, row);
      return;
    }
    // Algorithm R: the n-th candidate takes a slot with probability size/n, so every candidate ends
    // in the sample with the same probability, whatever the CSV's length.
    const slot = randomBelow(this.random, this.candidates);
    if (slot < this.size) this.hold(slot, row);
  }

  private hold(slot: number, row: VideoRow): void {
    const previous = this.slots[slot];
    if (previous) {
      this.heldIds.delete(previous.id);
      this.heldPaths.delete(previous.videoPath);
    }
    this.slots[slot] = row;
    this.heldIds.add(row.id);
    this.heldPaths.add(row.videoPath);
  }
}

/**
 * `size` rows drawn at random from the CSV in one streaming pass (reservoir sampling): per row one
 * random number and a comparison, and nothing kept but the `size` slots (with their ids and paths),
 * so a CSV of millions of rows costs no more memory than one of twenty. Rows the `process` command
 * would skip (an empty path or id) are never drawn; nor is a repeat of an id or a video already in
 * the sample, so the sample holds `size` different videos when the CSV has them.
 */
export async function sampleVideoRows(csvPath: string, columns: VideoColumns, size: number, random: RandomSource): Promise<RowSample> {
  const folder = path.dirname(path.resolve(csvPath));
  const reservoir = new Reservoir(size, random);
  const records = csvRecords(csvPath);
  let totalRows = 0;
  try {
    const header = await records.next();
    const positions = columnPositions(header.done ? undefined : header.value, columns, csvPath);
    for await (const fields of records) reservoir.offer(videoRowOf(fields, ++totalRows, positions, folder));
  } finally {
    await records.return(undefined);
  }
  const rows = [...reservoir.slots].sort((a, b) => a.rowNumber - b.rowNumber);
  return { rows, totalRows, candidates: reservoir.candidates };
}
