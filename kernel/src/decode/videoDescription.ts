import type { VideoMetadata } from '../video/videoTypes';

/**
 * How frames are numbered: by presentation timestamp (read from the packets), or (`file`) as the
 * decoder puts them out reading the file front to back, for streams whose packets cannot order
 * them (B-frames without timestamps, joined segments, a cut inside a GOP). File order is what
 * `ffmpeg -i video` itself outputs; random access in it means decoding from the start.
 */
export type FrameOrder = 'presentation' | 'file';

/** What both backends know of a video after reading its packets, in the stream's time base. */
export interface PacketSummary {
  /** Absent: presentation order. */
  order?: FrameOrder;
  /** Presentation timestamps of the frames, ascending (in file order: the decoder's, made monotonic). */
  pts: readonly number[];
  /** Duration of the last frame (0 when the container gives none). */
  lastDuration: number;
  timeBase: { num: number; den: number };
  /** Frame indices of the keyframes, ascending. */
  keyframes: readonly number[];
  totalBytes: number;
  width: number;
  height: number;
  codec: string;
  pixFmt: string;
  bitRate: number;
}

/** Stream time of frame `index` in seconds (the container's own clock, not from the first frame). */
export function framePresentationTime(summary: Pick<PacketSummary, 'pts' | 'timeBase'>, index: number): number {
  return (summary.pts[index] * summary.timeBase.num) / summary.timeBase.den;
}

/** Seconds from the first frame to frame `index`. */
export function frameTimestamp(summary: Pick<PacketSummary, 'pts' | 'timeBase'>, index: number): number {
  return ((summary.pts[index] - summary.pts[0]) * summary.timeBase.num) / summary.timeBase.den;
}

/** Every frame's `frameTimestamp`, in order. */
export function frameTimestamps(summary: Pick<PacketSummary, 'pts' | 'timeBase'>): number[] {
  return summary.pts.map((_, index) => frameTimestamp(summary, index));
}

/** The metadata of a video from its packet summary: one rule for both backends. */
export function describeVideo(summary: PacketSummary): VideoMetadata {
  const { pts, timeBase } = summary;
  const numFrames = pts.length;
  const span = numFrames ? pts[numFrames - 1] - pts[0] : 0;
  // The last frame lasts its packet's duration, or the average one when the container gives none.
  const last = summary.lastDuration > 0 ? summary.lastDuration : numFrames > 1 ? span / (numFrames - 1) : 0;
  const duration = ((span + last) * timeBase.num) / timeBase.den;
  return {
    duration,
    width: summary.width,
    height: summary.height,
    fps: duration > 0 ? numFrames / duration : 0,
    num_frames: numFrames,
    codec: summary.codec,
    pix_fmt: summary.pixFmt,
    num_random_access_frames: summary.keyframes.length,
    bits_per_pixel: numFrames ? (summary.totalBytes * 8) / (numFrames * summary.width * summary.height) : 0,
    bit_rate: summary.bitRate > 0 ? summary.bitRate : 0,
  };
}
