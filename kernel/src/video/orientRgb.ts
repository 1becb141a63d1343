import { orientedSize, type Orientation } from './pictureOrientation';

/**
 * Packed RGB24 pixels of a `width` x `height` picture turned by `orientation` (the picture as
 * stored becomes the picture as displayed): the in-process counterpart of ffmpeg's transpose, hflip
 * and vflip filters, a pure pixel permutation, so both backends give the same pixels.
 */
export function orientRgb(rgb: Uint8Array, width: number, height: number, orientation: Orientation): Uint8Array {
  const { transpose, flipX, flipY } = orientation;
  if (!transpose && !flipX && !flipY) return rgb;
  const out = orientedSize({ width, height }, orientation);
  const oriented = new Uint8Array(rgb.length);
  // Where output (x, y) comes from: after the transpose its x runs along the stored y, and the flips
  // reverse the output's own axes.
  const stepAlongX = transpose ? width * 3 : 3;
  const stepAlongY = transpose ? 3 : width * 3;
  for (let y = 0; y < out.height; y++) {
    const sourceY = flipY ? out.height - 1 - y : y;
    let from = sourceY * stepAlongY + (flipX ? (out.width - 1) * stepAlongX : 0);
    const step = flipX ? -stepAlongX : stepAlongX;
    let to = y * out.width * 3;
    for (let x = 0; x < out.width; x++, from += step, to += 3) {
      oriented[to] = rgb[from];
      oriented[to + 1] = rgb[from + 1];
      oriented[to + 2] = rgb[from + 2];
    }
  }
  return oriented;
}
