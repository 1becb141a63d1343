import type { ProcessingRecord } from '../checkpoint/processingRecord';

/**
 * Which result fields become typed columns of processing_results.parquet, and as what type.
 *
 * Rules (one pass over the records, memory per distinct field name, not per record):
 * - Only a result that is a plain object has fields; any other result (a number, a string, an
 *   array) lives only in the `result` JSON column.
 * - A field's type is decided by its first value that is not null: a number, boolean or string
 *   makes it a column; an object or array keeps it out (such a field is only in `result`).
 * - A number column is int64 when every number the field holds is a safe integer, else double;
 *   but the fields the built-ins write keep their own types whatever the data (a dataset whose
 *   clips are all 25 fps and 2 s long still gets double `fps` and `duration`): DECLARED_KINDS.
 * - A value of another type than its column's (a string in a number column; in an int64 column,
 *   a number that is not a safe integer, which only a pass that reads other records than the
 *   first can meet) is null in that column; `result` keeps it.
 * - `timestamps` is never a scalar column: it is the list<double> column (see `timestampsOf`).
 * - Columns are sorted by their names, so the order does not depend on which record came first.
 * - A field named like another column, case aside (`id`, `Status`, `result`, or `FPS` beside
 *   `fps`: readers such as DuckDB match names regardless of case), is named `result_<field>`,
 *   prefixed again while that names another column or field. Of fields that differ only in case,
 *   the first in code-unit order keeps its name. A field named '' has no column.
 */

/** The parquet type of a result field's column. */
export type ScalarKind = 'int64' | 'double' | 'boolean' | 'string';

/** One result field written as its own column. */
export interface ResultColumn {
  /** The column's name: the field's own, or prefixed with `result_` when that one is taken. */
  name: string;
  /** The key in the result object. */
  field: string;
  kind: ScalarKind;
}

/** The record's own fields, first in every file, in this order. */
const FIXED_COLUMN_NAMES = ['id', 'video_path', 'status', 'error', 'time'] as const;
export const TIMESTAMPS_COLUMN = 'timestamps';
export const RESULT_COLUMN = 'result';

const CLASH_PREFIX = 'result_';

/** The built-ins' result fields (VideoMetadata, the keyframe records), typed by their meaning. */
const DECLARED_KINDS: Readonly<Record<string, ScalarKind>> = {
  duration: 'double',
  fps: 'double',
  bits_per_pixel: 'double',
  width: 'int64',
  height: 'int64',
  num_frames: 'int64',
  num_random_access_frames: 'int64',
  bit_rate: 'int64',
  rotation: 'int64',
  codec: 'string',
  pix_fmt: 'string',
  sample_aspect_ratio: 'string',
};

/** What the first pass has learnt of one field. */
interface FieldEvidence {
  /** A 'number' field is int64 or double by `allSafeIntegers`, known once every record is seen. */
  family: 'number' | 'boolean' | 'string' | 'nested';
  allSafeIntegers: boolean;
}

/** A result's fields when it is a plain object (not null, not an array); undefined otherwise. */
export function resultObject(result: unknown): Record<string, unknown> | undefined {
  return typeof result === 'object' && result !== null && !Array.isArray(result) ? (result as Record<string, unknown>) : undefined;
}

/** The result's timestamps when they are an array of numbers (possibly empty); null otherwise. */
export function timestampsOf(result: Record<string, unknown> | undefined): number[] | null {
  const timestamps = result?.[TIMESTAMPS_COLUMN];
  if (!Array.isArray(timestamps)) return null;
  return timestamps.every((value) => typeof value === 'number') ? (timestamps as number[]) : null;
}

/** `value` as its column's kind holds it, or null when it is absent or of another type. */
export function scalarValue(kind: ScalarKind, value: unknown): string | number | bigint | boolean | null {
  switch (kind) {
    case 'int64':
      return Number.isSafeInteger(value) ? BigInt(value as number) : null;
    case 'double':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
  }
}

function familyOf(value: unknown): FieldEvidence['family'] {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return typeof value as FieldEvidence['family'];
  return 'nested';
}

function gatherEvidence(records: Iterable<ProcessingRecord>): Map<string, FieldEvidence> {
  const evidence = new Map<string, FieldEvidence>();
  for (const record of records) {
    const fields = resultObject(record.result);
    if (!fields) continue;
    for (const field of Object.keys(fields)) {
      const value = fields[field];
      if (field === TIMESTAMPS_COLUMN || value === null || value === undefined) continue;
      let seen = evidence.get(field);
      if (!seen) evidence.set(field, (seen = { family: familyOf(value), allSafeIntegers: true }));
      if (seen.family === 'number' && typeof value === 'number' && !Number.isSafeInteger(value)) seen.allSafeIntegers = false;
    }
  }
  return evidence;
}

function kindOf(field: string, evidence: FieldEvidence): ScalarKind | undefined {
  if (evidence.family === 'nested') return undefined;
  const declared = DECLARED_KINDS[field];
  // A declared kind holds when the data is of its family; a user's own `fps` string stays a string.
  if (declared && (declared === 'string' ? evidence.family === 'string' : evidence.family === 'number')) {
    return declared === 'int64' && !evidence.allSafeIntegers ? 'double' : declared;
  }
  if (evidence.family === 'number') return evidence.allSafeIntegers ? 'int64' : 'double';
  return evidence.family;
}

/** Locale-independent order, so the same fields give the same columns on every machine. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The result columns for `records`, sorted by column name, each with a name no other column has. */
export function inferResultColumns(records: Iterable<ProcessingRecord>): ResultColumn[] {
  const scalars = [...gatherEvidence(records)]
    .map(([field, evidence]) => ({ field, kind: kindOf(field, evidence) }))
    .filter((column): column is { field: string; kind: ScalarKind } => column.kind !== undefined && column.field !== '')
    .sort((a, b) => byCodeUnits(a.field, b.field));
  // Readers match column names regardless of case (DuckDB renames a second `fps` or `FPS` to `fps_1`).
  const folded = (name: string) => name.toLowerCase();
  const taken = new Set<string>([...FIXED_COLUMN_NAMES, TIMESTAMPS_COLUMN, RESULT_COLUMN]);
  const fieldNames = new Set(scalars.map((column) => folded(column.field)));
  const named: ResultColumn[] = [];
  for (const { field, kind } of scalars) {
    let name = field;
    // A prefixed name also avoids every field's own name, so no later field is displaced by it.
    if (taken.has(folded(name))) {
      do name = CLASH_PREFIX + name;
      while (taken.has(folded(name)) || fieldNames.has(folded(name)));
    }
    taken.add(folded(name));
    named.push({ name, field, kind });
  }
  return named.sort((a, b) => byCodeUnits(a.name, b.name));
}
