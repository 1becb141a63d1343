/**
 * Turns what a processing function returned into plain JSON for the journal and results file.
 * Pixel buffers are replaced by a short description (a record that embeds raw frames would make the
 * results file gigabytes); BigInts become strings. Anything else JSON cannot hold is an error.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (ArrayBuffer.isView(item)) return { type: item.constructor.name, byteLength: item.byteLength };
    if (typeof item === 'bigint') return item.toString();
    return item;
  });
  return JSON.parse(text) as unknown;
}
