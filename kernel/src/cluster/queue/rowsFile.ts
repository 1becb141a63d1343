import { existsSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomically } from '../../checkpoint/atomicFile';
import type { RowProblem, VideoRow } from '../../csv/videoRows';
import { QUEUE_FOLDER, rowsFilePath, type ChunkRef } from './queueJob';

/**
 * One row as the rows file holds it. The path as the CSV wrote it only where a record shows it (a
 * row skipped for a problem); processed and failed records show the resolved path.
 */
type RowLine = [row: number, id: string, videoPath: string, problem?: RowProblem, rawPath?: string];

/** Where each chunk's rows start in the rows file, and where the last ends. */
const OFFSETS_FILE = 'chunk_offsets.json';
const offsetsPath = (outputDir: string) => path.join(outputDir, QUEUE_FOLDER, OFFSETS_FILE);

/**
 * Writes the job's rows, as the submitting machine read them from the CSV (paths resolved,
 * duplicates and empty cells marked), one JSON array a line, and notes where every `chunkRows`-th
 * row starts. A worker then reads only its chunk's bytes: the CSV is read once per job, not once
 * per chunk, and the queue carries offsets rather than rows. Costs a copy of the rows on the
 * shared storage (about the CSV's size) and 8 bytes a chunk in memory.
 */
export async function writeRowsFile(outputDir: string, rows: AsyncIterable<VideoRow>, chunkRows: number): Promise<number[]> {
  await mkdir(path.join(outputDir, QUEUE_FOLDER), { recursive: true });
  const offsets: number[] = [];
  let bytes = 0;
  let count = 0;
  await writeFileAtomically(rowsFilePath(outputDir), async (append) => {
    for await (const row of rows) {
      if (count++ % chunkRows === 0) offsets.push(bytes);
      const fields: RowLine = row.problem ? [row.rowNumber, row.id, row.videoPath, row.problem, row.rawPath] : [row.rowNumber, row.id, row.videoPath];
      const line = `${JSON.stringify(fields)}\n`;
      bytes += Buffer.byteLength(line);
      await append(line);
    }
  });
  offsets.push(bytes);
  await writeFileAtomically(offsetsPath(outputDir), (append) => append(`${JSON.stringify(offsets)}\n`));
  return offsets;
}

/** The offsets a finished `writeRowsFile` noted; undefined when it never finished. */
export async function readChunkOffsets(outputDir: string): Promise<number[] | undefined> {
  if (!existsSync(offsetsPath(outputDir)) || !existsSync(rowsFilePath(outputDir))) return undefined;
  return JSON.parse(await readFile(offsetsPath(outputDir), 'utf8')) as number[];
}

/** The chunks' queue entries, from the offsets. */
export function chunkRefs(outputDir: string, jobId: string, offsets: readonly number[], chunkRows: number, totalRows: number): ChunkRef[] {
  return offsets.slice(0, -1).map((offset, chunk) => ({
    out_dir: outputDir,
    job_id: jobId,
    chunk,
    first_row: chunk * chunkRows + 1,
    rows: Math.min(chunkRows, totalRows - chunk * chunkRows),
    offset,
    length: offsets[chunk + 1] - offset,
  }));
}

/** A chunk's rows, read from its byte range of the rows file. */
export async function readChunkRows(ref: ChunkRef): Promise<VideoRow[]> {
  const handle = await open(rowsFilePath(ref.out_dir), 'r');
  try {
    const buffer = Buffer.alloc(ref.length);
    const { bytesRead } = await handle.read(buffer, 0, ref.length, ref.offset);
    const lines = buffer.toString('utf8', 0, bytesRead).split('\n').filter((line) => line !== '');
    const rows = lines.map((line) => {
      const [rowNumber, id, videoPath, problem, rawPath] = JSON.parse(line) as RowLine;
      return { rowNumber, id, videoPath, rawPath: rawPath ?? videoPath, ...(problem ? { problem } : {}) };
    });
    if (rows.length !== ref.rows || rows[0]?.rowNumber !== ref.first_row) {
      throw new Error(`the rows file ${rowsFilePath(ref.out_dir)} does not hold chunk ${ref.chunk} where the queue says (rows ${ref.first_row}+${ref.rows}): was the job's folder rewritten?`);
    }
    return rows;
  } finally {
    await handle.close();
  }
}
