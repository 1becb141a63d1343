/**
 * The size a frame is delivered at: the shorter side scaled to `size` with the aspect kept, both
 * sides rounded to even numbers (4:2:0 encoders, JPEG among them, need even sizes). Both decoding
 * backends use this one rule, so they deliver identical frames.
 */
export function outputSize(width: number, height: number, size?: number): { width: number; height: number } {
  if (size === undefined) return { width, height };
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`size must be a whole number of pixels >= 2, got ${size}`);
  const scale = size / Math.min(width, height);
  return { width: evenSide(width * scale), height: evenSide(height * scale) };
}

/** A scaled side as delivered: the nearest even whole number, at least 2. */
export function evenSide(value: number): number {
  return Math.max(2, 2 * Math.round(value / 2));
}
