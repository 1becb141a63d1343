import type { ResizeRequest } from './resizeGeometry';
import type { Interpolation } from './interpolation';

/**
 * The types that cross the boundary between a decoding backend and everything above it
 * (the loader, the built-in processing functions, the worker protocol).
 */

/** What `VideoLoader.getMetadata()` returns. Keys are snake_case: records land in JSON that Python tooling reads. */
export interface VideoMetadata {
  /** Seconds, from the first to the end of the last displayed frame. */
  duration: number;
  /**
   * The displayed size: the coded size with the sample aspect ratio applied to the width (rounded
   * to even unless the pixels are square), sides swapped for a 90/270-degree rotation unless
   * autorotation is off. The frames come at this size unless a request resizes them.
   */
  width: number;
  height: number;
  /**
   * The display matrix's rotation in whole degrees as stored and as ffprobe prints it:
   * counter-clockwise, in [-180, 180); -90 is shown turned a quarter clockwise (most portrait
   * phone videos), a half turn is -180, 0 without a matrix. Reported whether or not the frames are turned.
   */
  rotation: number;
  /** The shape of a stored pixel, "num:den" as ffprobe prints it (reduced); "1:1" when the stream gives none. */
  sample_aspect_ratio: string;
  /** Average frames per second (frame count over duration); for VFR files this is the mean. */
  fps: number;
  /** Frames counted from the packet index, never from the container header (headers over-report). */
  num_frames: number;
  /** Decoder name as FFmpeg spells it: h264, hevc, vp9, ... */
  codec: string;
  pix_fmt: string;
  /**
   * Frames a decoder can start at (the packet index's keyframes, I-frames): not the evenly spaced
   * frames the `keyframes` built-in extracts.
   */
  num_random_access_frames: number;
  /**
   * Mean compressed bits per pixel per frame: a decode-free proxy for how much the picture
   * changes (static scenes compress to few bits). Used by `sampleAdaptive`.
   */
  bits_per_pixel: number;
  /** Container bit rate in bits/s, 0 when unknown. */
  bit_rate: number;
}

/** One decoded frame, in presentation order. */
export interface VideoFrame {
  /** 0-based index in presentation order, over the frames the packet index counts. */
  index: number;
  /** Presentation time in seconds, relative to the stream's start. */
  timestamp: number;
  width: number;
  height: number;
  /** Packed RGB24 pixels, `width * height * 3` bytes; absent when the request asked for none. */
  data?: Uint8Array;
  /** Path of the JPEG written for this frame, when the request asked for one. */
  jpegPath?: string;
  /** The encoded JPEG of this frame, when the request asked for bytes (`jpegBytes`). */
  jpeg?: Uint8Array;
}

/** How the frames that a `VideoSource` returns should look. */
export interface FrameRequest {
  /**
   * Scale so that the shorter side is this many pixels (aspect kept, both sides even).
   * Absent: the video's own size.
   */
  size?: number;
  /**
   * A fixed output size instead: `stretch` (aspect not kept), `cover` (scale to fill, centre-crop)
   * or `contain` (scale to fit, pad with black); width and height even. Not together with `size`.
   */
  resize?: ResizeRequest;
  /** How `size` or `resize` resamples the picture (default bicubic, the ffmpeg program's own). */
  interpolation?: Interpolation;
  /** Whether to return the RGB pixels (default true). */
  pixels?: boolean;
  /** Write each frame as `<jpegDir>/frame_<index padded to 6>.jpg` when set. */
  jpegDir?: string;
  /**
   * Return each frame's encoded JPEG in `jpeg` (default false), for callers that store frames
   * elsewhere than as loose files (archives, a network). Without `jpegDir` no file is left behind.
   */
  jpegBytes?: boolean;
  /** JPEG quality 1..100 (default 90). */
  jpegQuality?: number;
}

/**
 * One opened video, decoding frames on demand. Implemented by the libav backend (node-av, in
 * process), the ffmpeg CLI backend, and by the worker proxy that forwards calls to a decoding
 * worker process.
 */
export interface VideoSource {
  metadata(): Promise<VideoMetadata>;
  /**
   * Every frame's presentation time in seconds (`timestamps[i]` is frame i's `VideoFrame.timestamp`),
   * from the packet index: what time-based sampling maps times to, VFR included. Decodes nothing.
   */
  frameTimestamps(): Promise<number[]>;
  /**
   * The frames at `indices` (any order, duplicates allowed), returned in the order asked.
   * Frame-accurate: the decoded picture at that index, not the nearest keyframe.
   * An index outside `[0, num_frames)` is a RangeError.
   */
  frames(indices: readonly number[], request?: FrameRequest): Promise<VideoFrame[]>;
  /** Releases decoder and demuxer; idempotent. */
  close(): Promise<void>;
}

/** Which device decoded a video, for per-device frames/s in progress events. */
export type DecodeDevice = 'cpu' | 'gpu';
