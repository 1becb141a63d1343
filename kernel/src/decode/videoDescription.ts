import type { FrameRequest, VideoMetadata } from '../video/videoTypes';
import { evenSide } from '../video/outputSize';
import { displayOrientation, displayRotation, isUpright, orientedSize, UPRIGHT, type DisplayMatrix, type Orientation } from '../video/pictureOrientation';
import { frameGeometry, type FrameGeometry } from '../video/resizeGeometry';

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
  /** The coded size, as stored. */
  width: number;
  height: number;
  /** The stream's display matrix (9 int32, as stored), when it has one. */
  displayMatrix?: DisplayMatrix;
  /** The shape of a stored pixel (width over height); 0/1 when the stream gives none. */
  sampleAspectRatio: { num: number; den: number };
  codec: string;
  pixFmt: string;
  bitRate: number;
}

/** A file's video stream (its absolute index, see chooseVideoStream) and what its packets say. */
export interface IndexedStream {
  streamIndex: number;
  summary: PacketSummary;
}

/** What a stream tells of its pictures' shape before any is decoded: stored size, turn and pixel shape. */
export type StoredPicture = Pick<PacketSummary, 'width' | 'height' | 'displayMatrix' | 'sampleAspectRatio'>;

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

const greatestCommonDivisor = (a: number, b: number): number => (b === 0 ? a : greatestCommonDivisor(b, a % b));

/** The sample aspect ratio as ffprobe prints it, reduced: "num:den", and "1:1" when the stream gives none. */
export function sampleAspectRatioText(summary: Pick<PacketSummary, 'sampleAspectRatio'>): string {
  const { num, den } = summary.sampleAspectRatio;
  if (!(num > 0 && den > 0)) return '1:1';
  const divisor = greatestCommonDivisor(num, den);
  return `${num / divisor}:${den / divisor}`;
}

/** How the stored picture is shown: its displayed size and the turn that makes it upright. */
export interface DisplayedPicture {
  width: number;
  height: number;
  orientation: Orientation;
}

/**
 * The picture as displayed, the one rule for both backends: the coded width stretched by the
 * sample aspect ratio (then rounded to even, as a 4:2:0 picture needs; square pixels keep the coded
 * width exactly), then, with `autorotate`, the display matrix's quarter turns and flips (sides
 * swapped for 90 and 270 degrees). Without `autorotate` the picture keeps its stored orientation
 * but still its displayed aspect.
 */
export function displayedPicture(summary: StoredPicture, autorotate: boolean): DisplayedPicture {
  const [num, den] = sampleAspectRatioText(summary).split(':').map(Number);
  const unturned = { width: num === den ? summary.width : evenSide((summary.width * num) / den), height: summary.height };
  const orientation = autorotate ? displayOrientation(summary.displayMatrix) : UPRIGHT;
  return { ...orientedSize(unturned, orientation), orientation };
}

/** The geometry of a frame request on a video, for both backends: sizes of the displayed picture, and the turn to apply. */
export function requestGeometry(summary: StoredPicture, autorotate: boolean, request: Pick<FrameRequest, 'size' | 'resize'>): FrameGeometry {
  const picture = displayedPicture(summary, autorotate);
  const geometry = frameGeometry(picture.width, picture.height, request);
  return isUpright(picture.orientation) ? geometry : { ...geometry, orientation: picture.orientation };
}

/** The metadata of a video from its packet summary: one rule for both backends (sizes as `displayedPicture` says). */
export function describeVideo(summary: PacketSummary, autorotate = true): VideoMetadata {
  const { pts, timeBase } = summary;
  const numFrames = pts.length;
  const span = numFrames ? pts[numFrames - 1] - pts[0] : 0;
  // The last frame lasts its packet's duration, or the average one when the container gives none.
  const last = summary.lastDuration > 0 ? summary.lastDuration : numFrames > 1 ? span / (numFrames - 1) : 0;
  const duration = ((span + last) * timeBase.num) / timeBase.den;
  const picture = displayedPicture(summary, autorotate);
  return {
    duration,
    width: picture.width,
    height: picture.height,
    rotation: summary.displayMatrix ? displayRotation(summary.displayMatrix) : 0,
    sample_aspect_ratio: sampleAspectRatioText(summary),
    fps: duration > 0 ? numFrames / duration : 0,
    num_frames: numFrames,
    codec: summary.codec,
    pix_fmt: summary.pixFmt,
    num_random_access_frames: summary.keyframes.length,
    // Per stored pixel: what the encoder spent, whatever the display does with it.
    bits_per_pixel: numFrames ? (summary.totalBytes * 8) / (numFrames * summary.width * summary.height) : 0,
    bit_rate: summary.bitRate > 0 ? summary.bitRate : 0,
  };
}
