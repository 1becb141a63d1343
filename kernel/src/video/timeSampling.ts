/**
 * Time-based sampling: which frame is displayed at a time. Times are seconds on the clock of
 * `VideoFrame.timestamp` (the first frame at 0), and frames come from their presentation times, so
 * variable-frame-rate videos are sampled by when their frames show, not by an assumed rate.
 */

/** The frames' presentation times and the video's duration, as the packet index gives them. */
export interface FrameTimeline {
  /** Presentation time of each frame in seconds, ascending; frame i at `timestamps[i]`. */
  timestamps: readonly number[];
  /** Seconds from the first frame's start to the last frame's end. */
  duration: number;
}

/**
 * Times computed as k / fps and timestamps computed as pts * time base differ by rounding: a time
 * this close to a frame's start counts as that start. A microsecond is far below any frame interval.
 */
export const TIME_TOLERANCE_SECONDS = 1e-6;

/** Where a timeline starts and ends, refused when it has no frame (no time shows anything). */
function span(timeline: FrameTimeline, caller: string): { start: number; end: number } {
  if (!timeline.timestamps.length) throw new RangeError(`${caller}: the video has no frames`);
  const start = timeline.timestamps[0];
  return { start, end: start + timeline.duration };
}

/** Checks sampleFps's arguments before anything is decoded. */
export function checkFpsArguments(fps: number, maxFrames?: number): void {
  if (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0) throw new RangeError(`sampleFps: fps must be a finite number > 0, got ${fps}`);
  if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames < 1)) {
    throw new RangeError(`sampleFps: maxFrames must be a whole number >= 1, got ${maxFrames}`);
  }
}

/**
 * The times t0 + k / fps, k = 0, 1, ..., that lie within the video: before its end (t0 + duration),
 * where no frame is displayed any more; a time within TIME_TOLERANCE_SECONDS of the end counts as the
 * end. At most `maxFrames` of them, the first ones. Each time is computed from k, never accumulated,
 * so rounding does not drift along a long video.
 */
export function fpsSampleTimes(timeline: FrameTimeline, fps: number, maxFrames?: number): number[] {
  checkFpsArguments(fps, maxFrames);
  // A video without frames has nothing within it to sample.
  if (!timeline.timestamps.length) return [];
  const start = timeline.timestamps[0];
  const within = Math.max(0, Math.ceil((timeline.duration - TIME_TOLERANCE_SECONDS) * fps));
  const count = Math.min(within, maxFrames ?? within);
  return Array.from({ length: count }, (_, k) => start + k / fps);
}

/** The last frame whose timestamp is at or before `time` (within the tolerance); the first when none is. */
function frameAtOrBefore(timestamps: readonly number[], time: number): number {
  let low = 0;
  let high = timestamps.length - 1;
  let found = 0;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (timestamps[mid] <= time + TIME_TOLERANCE_SECONDS) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/**
 * The frame displayed at each time: frame i shows during [t_i, t_(i+1)), the last one from its start
 * to the video's end. A time outside [t0, t0 + duration] (give or take the tolerance), or no number,
 * is a RangeError naming it and its position; the end itself shows the last frame.
 */
export function framesAtTimes(timeline: FrameTimeline, times: readonly number[], caller = 'getFramesAt'): number[] {
  const { start, end } = span(timeline, caller);
  return times.map((time, position) => {
    if (typeof time !== 'number' || !(time >= start - TIME_TOLERANCE_SECONDS && time <= end + TIME_TOLERANCE_SECONDS)) {
      throw new RangeError(`${caller}: time ${time} s (position ${position}) lies outside the video, which spans [${start}, ${end}] s`);
    }
    return frameAtOrBefore(timeline.timestamps, time);
  });
}

/** What `sampleFps` takes: the sampling times and the frame displayed at each (repeated when fps exceeds the video's rate). */
export function fpsSample(timeline: FrameTimeline, fps: number, maxFrames?: number): { times: number[]; indices: number[] } {
  const times = fpsSampleTimes(timeline, fps, maxFrames);
  return { times, indices: times.length ? framesAtTimes(timeline, times, 'sampleFps') : [] };
}
