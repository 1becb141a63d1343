/**
 * How a fingerprint reads to a person listing jobs: `keyframes (numFrames: 8, size: 160)`, a
 * function by its name (`myFn()`), `, webdataset` for a run into shards. An unknown shape (a
 * checkpoint of a later version) is shown as it is.
 */
export function processingLabel(fingerprint: string): string {
  const [kind, name, ...rest] = fingerprint.split(':');
  let detail = rest.join(':');
  let format = '';
  const formatAt = detail.lastIndexOf(':');
  if (formatAt >= 0 && /^[a-z]+$/.test(detail.slice(formatAt + 1))) [detail, format] = [detail.slice(0, formatAt), `, ${detail.slice(formatAt + 1)}`];
  if (kind === 'function' && name) return `${name}()${format}`;
  if (kind !== 'builtin' || !name) return fingerprint;
  try {
    const options = Object.entries(JSON.parse(detail) as Record<string, unknown>).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
    return `${name}${options.length ? ` (${options.join(', ')})` : ''}${format}`;
  } catch {
    return fingerprint;
  }
}
