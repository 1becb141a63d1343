import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { DatasetFingerprint } from '../checkpoint/datasetFingerprint';
import { csvRecords } from './csvRecords';
import { DuplicateIds } from './idHashes';
import { checkableIdOf, columnPositions, type VideoColumns } from './videoRows';

/** What one read of the CSV tells before a run: enough to open its checkpoint and count progress. */
export interface CsvScan {
  /** Data rows (what `readVideoRows` yields). */
  totalRows: number;
  fingerprint: DatasetFingerprint;
  /** Ready for the run's pass: it tells the repeated ids exactly. */
  duplicates: DuplicateIds;
}

/** How far the scan has read, for a progress bar before the first video. */
export interface CsvScanProgress {
  bytesRead: number;
  totalBytes: number;
}

/**
 * Reads the CSV once before a run: checks the columns, counts the rows, hashes the bytes for the
 * dataset fingerprint and notes every id for duplicate detection, all in the same pass (a million
 * rows on network storage are read once here, once by the run). Memory: 8-16 bytes a distinct id
 * while it reads, then only the repeated ones (see DuplicateIds).
 */
export async function scanCsv(csvPath: string, columns: VideoColumns, onProgress?: (progress: CsvScanProgress) => void): Promise<CsvScan> {
  const totalBytes = (await stat(csvPath).catch(() => undefined))?.size ?? 0;
  const hash = createHash('sha256');
  let bytesRead = 0;
  const records = csvRecords(csvPath, (bytes) => {
    hash.update(bytes);
    bytesRead += bytes.length;
    onProgress?.({ bytesRead, totalBytes });
  });
  const duplicates = new DuplicateIds();
  let totalRows = 0;
  try {
    const header = await records.next();
    const positions = columnPositions(header.done ? undefined : header.value, columns, csvPath);
    for await (const fields of records) {
      totalRows++;
      const id = checkableIdOf(fields, positions);
      if (id !== undefined) duplicates.noteId(id);
    }
  } finally {
    await records.return(undefined);
  }
  duplicates.endFirstPass();
  return { totalRows, fingerprint: { csvSha256: hash.digest('hex'), videoCol: columns.videoCol, idCol: columns.idCol }, duplicates };
}
