import { framePresentationTime, type PacketSummary } from '../videoDescription';

/**
 * Seconds [fromS, toS] on the clock the filter graph sees that hold exactly one frame of the index.
 * The program may be another FFmpeg version than the in-process index, whose demuxer can give the
 * same stream another time base (raw DV: 1001/30000 there, 1/60000 here): a frame's pts differs
 * between the two, its time in seconds does not. Picking frames by time is independent of it.
 */
export interface TimeWindow {
  fromS: number;
  toS: number;
}

/**
 * The window around frame `index`, shifted by `shiftS` (its entry's place on a concat timeline):
 * halfway to the frames before and after it, so rounding of either clock cannot move a frame into
 * a neighbour's window. The first and last frames reach as far out as on their other side.
 */
export function frameWindow(summary: Pick<PacketSummary, 'pts' | 'timeBase'>, index: number, shiftS = 0): TimeWindow {
  const at = (frame: number) => framePresentationTime(summary, frame);
  const time = at(index);
  const last = summary.pts.length - 1;
  const before = index > 0 ? time - at(index - 1) : index < last ? at(index + 1) - time : 1;
  const after = index < last ? at(index + 1) - time : before;
  return { fromS: time - before / 2 + shiftS, toS: time + after / 2 + shiftS };
}

/** Seconds as the expression evaluator reads them (to the nanosecond, far finer than any frame gap). */
function seconds(value: number): string {
  return value.toFixed(9);
}

/** Terms a sum holds before it is split into parenthesised groups. */
const TERMS_PER_GROUP = 32;

/**
 * `terms` added up as a tree of parenthesised groups: FFmpeg's expression parser refuses a flat
 * sum of around 100 terms (it nests one level per term), and a tree stays a few levels deep.
 */
function groupedSum(terms: readonly string[]): string {
  if (terms.length <= TERMS_PER_GROUP) return terms.join('+');
  const groups: string[] = [];
  for (let at = 0; at < terms.length; at += TERMS_PER_GROUP) groups.push(`(${groupedSum(terms.slice(at, at + TERMS_PER_GROUP))})`);
  return groupedSum(groups);
}

/**
 * The select filter passing the frames whose time falls in one of `windows` (`between` includes
 * its bounds: neighbouring windows share only a midpoint, where no frame lies).
 */
export function selectByTime(windows: readonly TimeWindow[]): string {
  return `select='${groupedSum(windows.map((window) => `between(t\\,${seconds(window.fromS)}\\,${seconds(window.toS)})`))}'`;
}

/** The select filter passing the decoder's outputs numbered `numbers` (from 0, the filter graph's `n`). */
export function selectByOutputNumber(numbers: readonly number[]): string {
  return `select='${groupedSum(numbers.map((number) => `eq(n\\,${number})`))}'`;
}
