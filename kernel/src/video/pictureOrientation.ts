/**
 * How a stored picture is turned to stand upright, read from a stream's display matrix (the
 * 3x3 matrix of int32 that MP4/MOV keep in the track header and FFmpeg hands on as
 * AV_PKT_DATA_DISPLAYMATRIX: entries 0, 1, 3, 4 are 16.16 fixed point, a point (x, y) of the stored
 * picture is shown at (x·m0 + y·m3, x·m1 + y·m4) before the translation).
 */

/**
 * A quarter-turn symmetry of the picture, applied as: swap the axes (`transpose`), then mirror
 * left-right (`flipX`), then top-bottom (`flipY`). The eight combinations are the four rotations
 * and their mirror images; `transpose` alone is ffmpeg's `transpose=cclock_flip`, with `flipX` it
 * is `clock`, with `flipY` `cclock`, with both `clock_flip`.
 */
export interface Orientation {
  transpose: boolean;
  flipX: boolean;
  flipY: boolean;
}

export const UPRIGHT: Orientation = { transpose: false, flipX: false, flipY: false };

export function isUpright(orientation: Orientation): boolean {
  return !orientation.transpose && !orientation.flipX && !orientation.flipY;
}

/** Entries of a display matrix, as stored: 9 int32. */
export type DisplayMatrix = readonly number[];

const fixedPoint = (value: number) => value / 65536;

/**
 * The display matrix's rotation in degrees, as ffprobe prints it (`av_display_rotation_get`):
 * counter-clockwise, whole degrees in [-180, 180), so -90 is a picture shown turned a quarter
 * clockwise (most portrait phone videos) and a half turn is -180. 0 for a matrix without scale
 * (FFmpeg's NaN).
 */
export function displayRotation(matrix: DisplayMatrix): number {
  const rounded = Math.round(exactRotation(matrix) ?? 0);
  // FFmpeg's rule gives -0 for the identity, which JSON writes as 0 anyway.
  return rounded === 180 ? -180 : rounded === 0 ? 0 : rounded;
}

/** FFmpeg's rule: the angle of the matrix's first column after removing its scale; none without scale. */
function exactRotation(matrix: DisplayMatrix): number | undefined {
  const scaleX = Math.hypot(fixedPoint(matrix[0]), fixedPoint(matrix[3]));
  const scaleY = Math.hypot(fixedPoint(matrix[1]), fixedPoint(matrix[4]));
  if (scaleX === 0 || scaleY === 0) return undefined;
  return -(Math.atan2(fixedPoint(matrix[1]) / scaleY, fixedPoint(matrix[0]) / scaleX) * 180) / Math.PI;
}

/**
 * The orientation that shows the stored picture as the matrix says, flips included. Only quarter
 * turns are applied (within a degree, as ffmpeg's autorotate judges); a matrix at another angle
 * leaves the picture as stored (ffmpeg would rotate it onto a larger canvas; no camera writes one).
 */
export function displayOrientation(matrix: DisplayMatrix | undefined): Orientation {
  if (!matrix) return UPRIGHT;
  const rotation = exactRotation(matrix);
  if (rotation === undefined) return UPRIGHT;
  const nearest = Math.round(rotation / 90) * 90;
  if (Math.abs(rotation - nearest) >= 1) return UPRIGHT;
  const [a, b, , c, d] = matrix;
  // Stored x goes to displayed y (b) and stored y to displayed x (c): the axes swap.
  if (nearest % 180 !== 0) return { transpose: true, flipX: c < 0, flipY: b < 0 };
  return { transpose: false, flipX: a < 0, flipY: d < 0 };
}

/** A width and height as they are after the orientation (swapped by a transpose). */
export function orientedSize(size: { width: number; height: number }, orientation: Orientation): { width: number; height: number } {
  return orientation.transpose ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
}
