import type { BuiltinTask } from '../builtins/builtinTasks';
import type { RecordWithJpegs } from '../builtins/extractKeyframes';

/** Where a run's frames go: JPEG files in folders per video (`files`), or WebDataset tar shards. */
export type OutputFormat = 'files' | 'webdataset';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['files', 'webdataset'];
export const DEFAULT_OUTPUT_FORMAT: OutputFormat = 'files';

/** The built-in task as a format needs it: for shards, the frames' JPEGs come back as bytes. */
export function taskForFormat(task: BuiltinTask | undefined, format: OutputFormat): BuiltinTask | undefined {
  if (!task || format === 'files' || task.name === 'metadata') return task;
  // Same name, same options plus bytes: still the task it was (TypeScript does not follow the spread over the union).
  return { ...task, options: { ...task.options, jpegOutput: 'bytes' } } as BuiltinTask;
}

function isRecordWithJpegs(result: unknown): result is RecordWithJpegs<unknown> {
  return typeof result === 'object' && result !== null && Array.isArray((result as Partial<RecordWithJpegs<unknown>>).jpegs) && 'record' in result;
}

/** A built-in's result in bytes mode, parted into the record and its frames' JPEGs; any other result has none. */
export function partJpegs(result: unknown): { result: unknown; jpegs: readonly Uint8Array[] } {
  return isRecordWithJpegs(result) ? { result: result.record, jpegs: result.jpegs } : { result, jpegs: [] };
}
