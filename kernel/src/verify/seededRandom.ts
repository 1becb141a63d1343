/** Numbers in [0, 1) that a seed fixes: the same seed draws the same sample and the same frames. */
export type RandomSource = () => number;

/** A seed for runs that name none (printed, so the run can be repeated). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

/**
 * mulberry32: a 32-bit state, good enough spread for choosing rows and frames, and cheap (the
 * row sample draws once per CSV row).
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A whole number in [0, below). */
export function randomBelow(random: RandomSource, below: number): number {
  return Math.floor(random() * below);
}
