import { createHash } from 'node:crypto';
import { builtinTaskOf, type ProcessFn } from '../builtins/builtinTasks';

/**
 * What identifies a processing function across runs, so that a resume refuses a checkpoint made by
 * another one. A built-in is its name and options; any other function is its source text (edit the
 * function and its old results no longer count as its own).
 */
export function processingFingerprint(processFn: ProcessFn): string {
  const task = builtinTaskOf(processFn);
  if (task) return `builtin:${task.name}:${JSON.stringify(Object.fromEntries(Object.entries(task.options).sort()))}`;
  const digest = createHash('sha256').update(processFn.toString()).digest('hex').slice(0, 16);
  return `function:${processFn.name || 'anonymous'}:${digest}`;
}
