/** Checks frame indices asked of a video with `count` frames; a RangeError names the valid range. */
export function validateIndices(indices: readonly number[], count: number, file: string): void {
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`frame index ${index} is outside 0..${count - 1} of ${file}`);
    }
  }
}
