import { createHash } from 'node:crypto';
import { builtinTaskOf, type ProcessFn } from '../builtins/builtinTasks';
import { DEFAULT_OUTPUT_FORMAT, type OutputFormat } from './outputFormat';

/**
 * What identifies a processing function across runs, so that a resume refuses a checkpoint made by
 * another one. A built-in is its name and options; any other function is its source text (edit the
 * function and its old results no longer count as its own); a run into shards is another job than
 * one into JPEG folders.
 */
export function processingFingerprint(processFn: ProcessFn, format: OutputFormat = DEFAULT_OUTPUT_FORMAT): string {
  // The default format adds nothing, so checkpoints made before formats existed still resume.
  const formatPart = format === DEFAULT_OUTPUT_FORMAT ? '' : `:${format}`;
  const task = builtinTaskOf(processFn);
  if (task) return `builtin:${task.name}:${JSON.stringify(Object.fromEntries(Object.entries(task.options).sort()))}${formatPart}`;
  const digest = createHash('sha256').update(processFn.toString()).digest('hex').slice(0, 16);
  return `function:${processFn.name || 'anonymous'}:${digest}${formatPart}`;
}

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
