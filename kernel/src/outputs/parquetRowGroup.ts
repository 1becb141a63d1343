import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { RESULT_COLUMN, resultObject, scalarValue, TIMESTAMPS_COLUMN, timestampsOf, type ResultColumn, type ScalarKind } from './parquetColumns';

/** One cell as the parquet writer takes it: int64 columns hold bigints, `timestamps` an array. */
type Cell = string | number | bigint | boolean | number[] | null;

/** One column of processing_results.parquet: its schema and how to read its cell from a record. */
export interface TableColumn {
  name: string;
  /** The column's schema elements: one for a flat column, three for the list (column, list, element). */
  elements: SchemaElement[];
  cellOf(record: ProcessingRecord, fields: Record<string, unknown> | undefined): Cell;
}

// Every column is optional, the record's own fields too: a record that lacks one (or holds another
// type) writes a null there rather than failing the whole file at the end of a run.
const stringColumn = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
const doubleColumn = (name: string): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });

const SCHEMA_OF_KIND: Record<ScalarKind, (name: string) => SchemaElement> = {
  int64: (name) => ({ name, type: 'INT64', repetition_type: 'OPTIONAL' }),
  double: doubleColumn,
  boolean: (name) => ({ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' }),
  string: stringColumn,
};

const ownString = (name: 'id' | 'video_path' | 'status' | 'error'): TableColumn => ({
  name,
  elements: [stringColumn(name)],
  cellOf: (record) => scalarValue('string', record[name]),
});

const FIXED_COLUMNS: readonly TableColumn[] = [
  ownString('id'),
  ownString('video_path'),
  ownString('status'),
  ownString('error'),
  { name: 'time', elements: [doubleColumn('time')], cellOf: (record) => scalarValue('double', record.time) },
];

/** list<double> in the standard three-level layout, which DuckDB, Arrow and Spark read as DOUBLE[]. */
const TIMESTAMPS: TableColumn = {
  name: TIMESTAMPS_COLUMN,
  elements: [
    { name: TIMESTAMPS_COLUMN, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  ],
  cellOf: (_record, fields) => timestampsOf(fields),
};

/** The whole result as JSON; null when the record has none (a null result included). */
const RESULT: TableColumn = {
  name: RESULT_COLUMN,
  elements: [stringColumn(RESULT_COLUMN)],
  cellOf: (record) => (record.result === undefined || record.result === null ? null : (JSON.stringify(record.result) ?? null)),
};

const resultField = ({ name, field, kind }: ResultColumn): TableColumn => ({
  name,
  elements: [SCHEMA_OF_KIND[kind](name)],
  cellOf: (_record, fields) => scalarValue(kind, fields?.[field]),
});

/** The file's columns in order: the record's own, the result's scalar fields, `timestamps`, `result`. */
export function tableColumns(resultColumns: readonly ResultColumn[]): TableColumn[] {
  return [...FIXED_COLUMNS, ...resultColumns.map(resultField), TIMESTAMPS, RESULT];
}

/** The parquet schema of `columns`: the root, then each column's elements. */
export function tableSchema(columns: readonly TableColumn[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap((column) => column.elements)];
}

/** Rough bytes a cell keeps alive until its row group is written: its text, or 8 per number. */
function cellBytes(cell: Cell): number {
  if (cell === null) return 0;
  if (typeof cell === 'string') return cell.length + 16;
  return Array.isArray(cell) ? 8 * cell.length + 16 : 8;
}

/** The rows of one row group, held as one array per column until the writer takes them. */
export class RowGroupBuffer {
  private cells: Cell[][];
  /** Rows added since the last `take`. */
  rows = 0;
  /** An estimate of the memory those rows hold (see `cellBytes`). */
  bytes = 0;

  constructor(private readonly columns: readonly TableColumn[]) {
    this.cells = columns.map(() => []);
  }

  add(record: ProcessingRecord): void {
    const fields = resultObject(record.result);
    for (let at = 0; at < this.columns.length; at++) {
      const cell = this.columns[at].cellOf(record, fields);
      this.cells[at].push(cell);
      this.bytes += cellBytes(cell);
    }
    this.rows++;
  }

  /** The buffered rows as the writer's column data; the buffer starts empty again. */
  take(): ColumnSource[] {
    const data = this.columns.map((column, at) => ({ name: column.name, data: this.cells[at] }));
    this.cells = this.columns.map(() => []);
    this.rows = 0;
    this.bytes = 0;
    return data;
  }
}
