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
