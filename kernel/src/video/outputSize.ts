/**
 * The size a frame is delivered at: the shorter side scaled to `size` with the aspect kept, both
 * sides rounded to even numbers (4:2:0 encoders, JPEG among them, need even sizes). Both decoding
 * backends use this one rule, so they deliver identical frames.
 */
export function outputSize(width: number, height: number, size?: number): { width: number; height: number } {
  if (size === undefined) return { width, height };
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`size must be a whole number of pixels >= 2, got ${size}`);
  const scale = size / Math.min(width, height);
  const even = (value: number) => Math.max(2, 2 * Math.round(value / 2));
  return { width: even(width * scale), height: even(height * scale) };
}
