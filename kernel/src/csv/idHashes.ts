/**
 * 64-bit hashes of ids in typed arrays, so telling a million ids apart costs bytes, not a string
 * object per row. Two independent 32-bit halves (FNV-1a and a multiply-xorshift mix over the UTF-16
 * code units): among 10^8 distinct ids a collision is expected about once in 3,700 datasets, and a
 * collision is never trusted anyway (see DuplicateIds).
 */
export type IdHash = (id: string) => [number, number];

export const hashHalves: IdHash = (id) => {
  let fnv = 0x811c9dc5;
  let mix = 0x9e3779b9 ^ id.length;
  for (let at = 0; at < id.length; at++) {
    const unit = id.charCodeAt(at);
    fnv = Math.imul(fnv ^ unit, 0x01000193);
    mix = Math.imul(mix ^ unit, 0x5bd1e995);
    mix ^= mix >>> 15;
  }
  mix = Math.imul(mix ^ (mix >>> 13), 0xc2b2ae35);
  return [fnv >>> 0, (mix ^ (mix >>> 16)) >>> 0];
};

const INITIAL_SLOTS = 1024;

/**
 * A set of id hashes: open addressing with linear probing over two Uint32Arrays, at most half
 * full, so 8 to 16 bytes a distinct id (24 while it doubles). The pair (0, 0) marks an empty slot;
 * a hash that is (0, 0) is stored as (0, 1), which only merges it with that one other hash.
 */
export class IdHashSet {
  private high = new Uint32Array(INITIAL_SLOTS);
  private low = new Uint32Array(INITIAL_SLOTS);
  private used = 0;

  /** `hash`: replaceable so that tests can make collisions happen. */
  constructor(private readonly hash: IdHash = hashHalves) {}

  get size(): number {
    return this.used;
  }

  /** Adds the id's hash; false when the hash was already in the set. */
  add(id: string): boolean {
    const [high, low] = this.storedHalves(id);
    const slot = this.find(high, low);
    if (this.high[slot] !== 0 || this.low[slot] !== 0) return false;
    this.high[slot] = high;
    this.low[slot] = low;
    if (++this.used * 2 > this.high.length) this.grow();
    return true;
  }

  has(id: string): boolean {
    const [high, low] = this.storedHalves(id);
    const slot = this.find(high, low);
    return this.high[slot] !== 0 || this.low[slot] !== 0;
  }

  /** The slot holding this hash, or the empty slot where it would go. */
  private find(high: number, low: number): number {
    const mask = this.high.length - 1;
    let slot = (low ^ Math.imul(high, 0x27d4eb2d)) & mask;
    while ((this.high[slot] !== 0 || this.low[slot] !== 0) && (this.high[slot] !== high || this.low[slot] !== low)) slot = (slot + 1) & mask;
    return slot;
  }

  private storedHalves(id: string): [number, number] {
    const [high, low] = this.hash(id);
    return high === 0 && low === 0 ? [0, 1] : [high, low];
  }

  private grow(): void {
    const [oldHigh, oldLow] = [this.high, this.low];
    this.high = new Uint32Array(oldHigh.length * 2);
    this.low = new Uint32Array(oldLow.length * 2);
    for (let slot = 0; slot < oldHigh.length; slot++) {
      if (oldHigh[slot] === 0 && oldLow[slot] === 0) continue;
      const target = this.find(oldHigh[slot], oldLow[slot]);
      this.high[target] = oldHigh[slot];
      this.low[target] = oldLow[slot];
    }
  }
}


/**
 * Finds ids repeated in a CSV exactly, in two passes, holding strings only for ids whose hash
 * occurs more than once. The first pass (`noteId` for every id) keeps the hashes seen and the
 * hashes seen twice; the big set is dropped after it (`endFirstPass`). In the second pass an id whose
 * hash occurred once in the whole file is unique for certain; an id whose hash repeated is checked
 * against the exact strings seen so far among those, so a hash collision never makes a duplicate.
 * Memory in the second pass: the repeated hashes and their ids, proportional to the duplicates.
 */
export class DuplicateIds {
  private seen?: IdHashSet;
  private readonly repeatedHashes: IdHashSet;
  private readonly seenAmongRepeated = new Set<string>();

  constructor(hash: IdHash = hashHalves) {
    this.seen = new IdHashSet(hash);
    this.repeatedHashes = new IdHashSet(hash);
  }

  /** First pass: one call per id, in CSV order. */
  noteId(id: string): void {
    if (!this.seen) throw new Error('DuplicateIds: the first pass has ended');
    if (!this.seen.add(id)) this.repeatedHashes.add(id);
  }

  endFirstPass(): void {
    this.seen = undefined;
  }

  /** Second pass, in CSV order: true when this id appeared on an earlier row. */
  isRepeat(id: string): boolean {
    if (this.seen) throw new Error('DuplicateIds: the first pass has not ended');
    if (!this.repeatedHashes.has(id)) return false;
    if (this.seenAmongRepeated.has(id)) return true;
    this.seenAmongRepeated.add(id);
    return false;
  }
}
