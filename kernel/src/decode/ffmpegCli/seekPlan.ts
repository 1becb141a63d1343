import { keyframeAtOrBefore } from '../libav/packetIndex';
import { describeVideo, framePresentationTime, type PacketSummary } from '../videoDescription';
import { frameWindow, type TimeWindow } from './frameWindows';

/**
 * One entry of an ffconcat script: the video read from the keyframe before `inpointUs` up to the
 * first packet whose decoding time reaches `outpointUs`. Times are the stream's own clock, in µs.
 */
export interface ConcatEntry {
  inpointUs: number;
  outpointUs: number;
  /** Room this entry takes on the concatenated timeline (longer than what it reads, see below). */
  durationUs: number;
}

/** How one ffmpeg run reaches the wanted frames, and the timestamps by which it picks them. */
export interface SeekPlan {
  /** Stretches read through the concat demuxer; none: the file is read from its start. */
  entries?: ConcatEntry[];
  /** Where each wanted frame lies on the timeline the filter graph sees, ascending (empty in file order). */
  selectWindows: TimeWindow[];
  /**
   * For a video numbered in file order: the wanted frames' output numbers (the filter graph's `n`),
   * ascending, by which they are picked instead.
   */
  selectOutputNumbers?: number[];
}

/**
 * A concat entry costs about as much as decoding this many 360p frames (opening the file again,
 * probing its streams): stretches closer together than this are read through in one entry, and
 * seeking is chosen only when it saves more than its entries cost.
 */
export const FRAMES_PER_ENTRY = 12;

const MICROSECONDS = 1_000_000;

function toMicroseconds(summary: PacketSummary, index: number): number {
  return framePresentationTime(summary, index) * MICROSECONDS;
}

/** Seconds between frame `index` and the next one (one second after the last: nothing follows it). */
function gapAfter(summary: PacketSummary, index: number): number {
  return index + 1 < summary.pts.length ? framePresentationTime(summary, index + 1) - framePresentationTime(summary, index) : 1;
}

/** Frame `index`'s time in whole µs, rounded up: a seek there lands on the frame itself. */
function microsecondsAtOrAfter(summary: PacketSummary, index: number): number {
  const scaled = BigInt(summary.pts[index]) * BigInt(summary.timeBase.num) * BigInt(MICROSECONDS);
  const den = BigInt(summary.timeBase.den);
  const floor = scaled >= 0n ? scaled / den : -((-scaled + den - 1n) / den);
  return Number(floor * den === scaled ? floor : floor + 1n);
}

/**
 * The first multiple of the video's first frame gap at or after `us`, in whole µs. The concat
 * demuxer shifts an entry by (start - in-point) rounded to the program's time base, which may be
 * as coarse as one frame (DV): with the in-point on a frame and the start on a whole number of
 * frame gaps, the shift is a whole number of that time base's ticks and nothing rounds.
 */
function alignedStart(summary: PacketSummary, us: number): number {
  const gapUs = summary.pts.length > 1 ? (framePresentationTime(summary, 1) - framePresentationTime(summary, 0)) * MICROSECONDS : 1;
  return Math.round(Math.ceil(us / gapUs - 1e-9) * gapUs);
}

/**
 * Reads the whole file from its start; frames are picked by their own timestamps, or in file order
 * by their output number (timestamps there may repeat or be made up).
 */
export function wholeFilePlan(summary: PacketSummary, wanted: readonly number[]): SeekPlan {
  if (summary.order === 'file') return { selectWindows: [], selectOutputNumbers: [...wanted] };
  return { selectWindows: wanted.map((frame) => frameWindow(summary, frame)) };
}

/**
 * Wanted frames (ascending) grouped into stretches that each start at the keyframe the first of
 * them decodes from; a stretch absorbs the next one when fewer than FRAMES_PER_ENTRY frames lie
 * between them.
 */
export function decodeStretches(summary: PacketSummary, wanted: readonly number[]): { keyframe: number; frames: number[] }[] {
  const stretches: { keyframe: number; frames: number[] }[] = [];
  for (const frame of wanted) {
    const keyframe = keyframeAtOrBefore(summary.keyframes, frame);
    const current = stretches.at(-1);
    if (current && (keyframe === current.keyframe || keyframe - current.frames[current.frames.length - 1] - 1 < FRAMES_PER_ENTRY)) {
      current.frames.push(frame);
    } else {
      stretches.push({ keyframe, frames: [frame] });
    }
  }
  return stretches;
}

/**
 * One concat entry per stretch, so one decoder reads only the stretches (the naive pass decodes
 * everything). The demuxer seeks each entry to the keyframe at or before its in-point (the
 * keyframe's own time) and shifts its timestamps by (entry start on the timeline - in-point). Each
 * entry's room on the timeline exceeds twice the video's length, so whatever a seek lands on, no
 * two entries' shifted frames can meet and each wanted frame's window holds exactly one frame.
 */
export function concatSeekPlan(summary: PacketSummary, wanted: readonly number[]): SeekPlan {
  const spacingUs = Math.ceil(2 * describeVideo(summary).duration * MICROSECONDS) + MICROSECONDS;
  const entries: ConcatEntry[] = [];
  const selectWindows: TimeWindow[] = [];
  let startUs = 0;
  for (const { keyframe, frames } of decodeStretches(summary, wanted)) {
    const last = frames[frames.length - 1];
    const inpointUs = microsecondsAtOrAfter(summary, keyframe);
    // The entry ends at the first packet decoded at or after this: every frame shown before it has come.
    const outpointUs = Math.max(Math.ceil(toMicroseconds(summary, last) + (gapAfter(summary, last) * MICROSECONDS) / 2), Math.floor(toMicroseconds(summary, last)) + 1);
    const previous = entries.at(-1);
    if (previous) {
      const nextStartUs = alignedStart(summary, startUs + previous.durationUs);
      previous.durationUs = nextStartUs - startUs;
      startUs = nextStartUs;
    }
    for (const frame of frames) selectWindows.push(frameWindow(summary, frame, (startUs - inpointUs) / MICROSECONDS));
    entries.push({ inpointUs, outpointUs, durationUs: outpointUs - inpointUs + spacingUs });
  }
  return { entries, selectWindows };
}

/**
 * The cheaper of reading the stretches and reading the file from its start up to the last wanted
 * frame, counted in frames decoded (an entry as FRAMES_PER_ENTRY of them): with long GOPs and
 * frames spread over the whole video, the stretches cover nearly everything and seeking only adds
 * its entries.
 */
export function cheapestSeekPlan(summary: PacketSummary, wanted: readonly number[]): SeekPlan {
  // In file order a seek would lose the count of frames output: only reading from the start is exact.
  if (summary.order === 'file') return wholeFilePlan(summary, wanted);
  const stretches = decodeStretches(summary, wanted);
  const seekingCost = stretches.reduce((sum, { keyframe, frames }) => sum + frames[frames.length - 1] - keyframe + 1 + FRAMES_PER_ENTRY, 0);
  const wholeCost = wanted[wanted.length - 1] + 1;
  return seekingCost < wholeCost ? concatSeekPlan(summary, wanted) : wholeFilePlan(summary, wanted);
}
