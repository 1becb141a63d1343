import type { VideoMetadata } from './videoTypes';

/**
 * `n` indices spread evenly over `frameCount` frames, first and last included:
 * `floor(i * (F - 1) / (n - 1))`, i = 0..n-1 (`[0]` for n = 1). A video with fewer frames than asked
 * repeats some, in order: a dataset gets the same number of frames from every video.
 */
export function uniformIndices(frameCount: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`number of frames must be a whole number >= 1, got ${n}`);
  if (frameCount <= 0) return [];
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => Math.floor((i * (frameCount - 1)) / (n - 1)));
}

export interface AdaptiveBounds {
  minFrames: number;
  maxFrames: number;
}

/** Duration (s) at which a video earns half of the frames above `minFrames` that length can give. */
const HALF_LENGTH_SECONDS = 30;
/**
 * Compressed bits per pixel per frame at which a video counts as fully dynamic. Static scenes in
 * H.264/HEVC/VP9 at usual quality sit near 0.01-0.03; busy, fast-moving ones at 0.15 and above.
 */
const DYNAMIC_BITS_PER_PIXEL = 0.15;

/**
 * How many frames `sampleAdaptive` takes, and which.
 *
 * Rule: two scores in [0, 1), one for length (`d / (d + 30 s)`) and one for motion
 * (`bpp / (bpp + 0.15)`, bpp = compressed bits per pixel per frame, a decode-free measure of how much
 * the picture changes), averaged; the count is `minFrames + round(score * (maxFrames - minFrames))`,
 * never more than the video has. Longer and more dynamic videos therefore always get at least as many
 * frames, always within the bounds; the indices are uniform, so they ascend and span the whole video.
 */
export function adaptiveIndices(metadata: VideoMetadata, bounds: AdaptiveBounds): number[] {
  const { minFrames, maxFrames } = bounds;
  if (!Number.isInteger(minFrames) || !Number.isInteger(maxFrames) || minFrames < 1 || maxFrames < minFrames) {
    throw new RangeError(`sampleAdaptive needs whole numbers 1 <= minFrames <= maxFrames, got minFrames=${minFrames}, maxFrames=${maxFrames}`);
  }
  const lengthScore = metadata.duration / (metadata.duration + HALF_LENGTH_SECONDS);
  const motionScore = metadata.bits_per_pixel / (metadata.bits_per_pixel + DYNAMIC_BITS_PER_PIXEL);
  const score = (lengthScore + motionScore) / 2;
  const count = minFrames + Math.round(score * (maxFrames - minFrames));
  return uniformIndices(metadata.num_frames, Math.min(count, metadata.num_frames));
}
