import type { FrameGeometry } from './resizeGeometry';

/**
 * Packed RGB24 pixels of the scaled picture (`scaleWidth` x `scaleHeight`) cut (cover) or padded
 * with black (contain) to `width` x `height`, as the geometry's placement says: the in-process
 * counterpart of ffmpeg's crop and pad filters, row copies only.
 */
export function placeRgb(scaled: Uint8Array, geometry: FrameGeometry): Uint8Array {
  const { placement } = geometry;
  if (!placement) return scaled;
  const out = new Uint8Array(geometry.width * geometry.height * 3);
  const crop = placement.kind === 'crop';
  const rows = crop ? geometry.height : geometry.scaleHeight;
  const rowBytes = (crop ? geometry.width : geometry.scaleWidth) * 3;
  for (let row = 0; row < rows; row++) {
    const from = crop ? ((row + placement.y) * geometry.scaleWidth + placement.x) * 3 : row * geometry.scaleWidth * 3;
    const to = crop ? row * geometry.width * 3 : ((row + placement.y) * geometry.width + placement.x) * 3;
    out.set(scaled.subarray(from, from + rowBytes), to);
  }
  return out;
}
