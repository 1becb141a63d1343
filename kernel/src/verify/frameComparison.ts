import type { BackendChoice } from '../config/decoderConfig';
import type { DecodeDevice } from '../video/videoTypes';

/** How far one frame's pixels are from the reference's, per channel value (0..255). */
export interface PixelDifference {
  mean: number;
  max: number;
}

/** The largest difference still taken as the same frame. */
export interface FrameTolerance {
  mean: number;
  max: number;
}

/** The libav backend on the CPU decodes and scales with the reference's own code: the pixels are equal. */
export const EXACT: FrameTolerance = { mean: 0, max: 0 };

/**
 * The ffmpeg program, or NVDEC's frames (NV12, downloaded), reach RGB through another conversion
 * path than the reference's: a few levels off on average, more at sharp colour edges where chroma is
 * interpolated differently. A wrong frame of moving content is tens of levels off on average.
 */
export const CONVERTED: FrameTolerance = { mean: 4, max: 255 };

/** What the engine's frames may differ by from the reference, given who decoded them. */
export function toleranceFor(backend: BackendChoice, device: DecodeDevice): FrameTolerance {
  return backend === 'libav' && device === 'cpu' ? EXACT : CONVERTED;
}

/** The mean and largest absolute difference of two pictures of the same size (packed RGB24). */
export function pixelDifference(engine: Uint8Array, reference: Uint8Array): PixelDifference {
  if (engine.length !== reference.length) {
    throw new RangeError(`the frames differ in size: ${engine.length} bytes from the engine, ${reference.length} decoded`);
  }
  let sum = 0;
  let max = 0;
  for (let i = 0; i < engine.length; i++) {
    const difference = Math.abs(engine[i] - reference[i]);
    sum += difference;
    if (difference > max) max = difference;
  }
  return { mean: engine.length ? sum / engine.length : 0, max };
}

export function withinTolerance(difference: PixelDifference, tolerance: FrameTolerance): boolean {
  return difference.mean <= tolerance.mean && difference.max <= tolerance.max;
}
