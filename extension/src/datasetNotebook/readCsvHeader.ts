import { open } from 'node:fs/promises';
import Papa from 'papaparse';

/** Enough bytes for any sane header row; the rest of a large CSV is never read here. */
const HEADER_BYTES = 64 * 1024;

/** The column names of a CSV's header row (BOM removed, names trimmed). */
export async function readCsvHeader(csvPath: string): Promise<string[]> {
  const file = await open(csvPath, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEADER_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const parsed = Papa.parse<string[]>(text, { preview: 1, skipEmptyLines: 'greedy' });
    const header = (parsed.data[0] ?? []).map((name) => name.trim()).filter((name) => name !== '');
    if (header.length === 0) throw new Error(`${csvPath} has no header row`);
    return header;
  } finally {
    await file.close();
  }
}
