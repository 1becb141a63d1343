/**
 * How a picture is resampled when it is resized, by the names ML tooling uses (decord, torchvision,
 * PIL, OpenCV), each one of FFmpeg's scaler flags: both backends pass the same flag to the same
 * `scale` filter, so they resample alike. `area` averages the source pixels each output pixel
 * covers (the usual choice for strong downscaling), `nearest` copies one (labels, masks).
 */
export const INTERPOLATIONS = ['bicubic', 'bilinear', 'area', 'lanczos', 'nearest'] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

/** What the ffmpeg program inserts by default, and what frames were always resized with. */
export const DEFAULT_INTERPOLATION: Interpolation = 'bicubic';

const SCALER_FLAGS: Record<Interpolation, string> = { bicubic: 'bicubic', bilinear: 'bilinear', area: 'area', lanczos: 'lanczos', nearest: 'neighbor' };

/** FFmpeg's `scale` flag for an interpolation. */
export function scalerFlag(interpolation: Interpolation = DEFAULT_INTERPOLATION): string {
  return SCALER_FLAGS[interpolation];
}

export function checkInterpolation(interpolation: string): asserts interpolation is Interpolation {
  if (!(INTERPOLATIONS as readonly string[]).includes(interpolation)) {
    throw new RangeError(`interpolation must be one of ${INTERPOLATIONS.join(', ')}, got ${JSON.stringify(interpolation)}`);
  }
}
