import type { FileHandle } from 'node:fs/promises';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { removeAbandonedTemporaries, writeFully, writeThroughTemporary } from '../checkpoint/atomicFile';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { packageVersion } from '../packageInfo';
import { inferResultColumns } from './parquetColumns';
import { RowGroupBuffer, tableColumns, tableSchema, type TableColumn } from './parquetRowGroup';

export { PARQUET_RESULTS_FILE } from '../checkpoint/resultsFiles';

/**
 * Memory is bounded by one row group, whatever the number of records: the writer holds the group's
 * cells (each record's strings, its result's JSON, 8 bytes a number, its timestamps), then encodes
 * them, which briefly adds copies (each string's UTF-8 bytes, definition levels, pages). For a
 * metadata record with 16 timestamps that is about 1.2 KB a row held and 2.5 KB a row at the peak:
 * 10,000-row groups of them cost about 25 MB at the peak, which keeps a million-row run's process
 * within its memory budget (50,000-row groups wrote 15% faster but peaked at 125 MB). A group also ends at 48 MiB of
 * estimated cell bytes, so large results (long JSON, many timestamps) make smaller groups rather
 * than more memory. Across groups only the footer's per-group statistics accumulate.
 */
const DEFAULT_ROW_GROUP_ROWS = 10_000;
const DEFAULT_ROW_GROUP_BYTES = 48 << 20;

export interface ParquetResultsOptions {
  /** Rows per row group, at most (default 10,000). */
  rowGroupRows?: number;
  /** Estimated bytes of cells per row group, at most (default 48 MiB). */
  rowGroupBytes?: number;
}

export interface ParquetResultsSummary {
  /** Records written, one row each. */
  rows: number;
  /** The file's column names, in order. */
  columns: string[];
}

/** The writer's output buffer, handed to the file after each row group and at the end. */
class FileByteWriter extends ByteWriter {
  constructor(private readonly handle: FileHandle) {
    super(1 << 20);
  }

  /** Called by the writer after each row group; it awaits this before encoding the next one. */
  async flush(): Promise<void> {
    await writeFully(this.handle, Buffer.from(this.buffer, 0, this.index));
    this.index = 0;
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

async function writeRowGroups(
  handle: FileHandle,
  columns: readonly TableColumn[],
  records: Iterable<ProcessingRecord>,
  limits: Required<ParquetResultsOptions>,
): Promise<number> {
  const writer = new ParquetWriter({ writer: new FileByteWriter(handle), schema: tableSchema(columns), createdBy: `video-batch-kernel ${packageVersion()}` });
  const group = new RowGroupBuffer(columns);
  const writeGroup = async () => {
    const rowGroupSize = group.rows;
    await writer.write({ columnData: group.take(), rowGroupSize });
  };
  let rows = 0;
  for (const record of records) {
    group.add(record);
    rows++;
    if (group.rows >= limits.rowGroupRows || group.bytes >= limits.rowGroupBytes) await writeGroup();
  }
  if (group.rows > 0) await writeGroup();
  await writer.finish();
  return rows;
}

/**
 * Writes every record as one row of `file` (processing_results.parquet), in the order `records`
 * yields them. `records` is called twice, once to find the result columns and their types (see
 * parquetColumns.ts) and once to write, and must yield the same records each time; neither pass
 * keeps them. Temporaries of an earlier, killed write are cleared first.
 */
export async function writeResultsParquet(
  file: string,
  records: () => Iterable<ProcessingRecord>,
  options: ParquetResultsOptions = {},
): Promise<ParquetResultsSummary> {
  const limits = { rowGroupRows: options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS, rowGroupBytes: options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES };
  const columns = tableColumns(inferResultColumns(records()));
  await removeAbandonedTemporaries(file);
  const rows = await writeThroughTemporary(file, (handle) => writeRowGroups(handle, columns, records(), limits));
  return { rows, columns: columns.map((column) => column.name) };
}
