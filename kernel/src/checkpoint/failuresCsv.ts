import * as path from 'node:path';
import { failureKind } from '../stats/failureKinds';
import { writeFileAtomically } from './atomicFile';
import { CheckpointContents } from './checkpointReader';
import type { ProcessingRecord } from './processingRecord';

const FAILURES_COLUMNS = ['id', 'video_path', 'error', 'error_kind'] as const;

/** `videos.vbk-checkpoint.json` -> `videos.vbk-checkpoint.failures.csv` beside it (`videos.json` -> `videos.failures.csv`). */
export function failuresCsvPathOf(checkpointPath: string): string {
  const parsed = path.parse(checkpointPath);
  return path.join(parsed.dir, `${parsed.ext === '.json' ? parsed.name : parsed.base}.failures.csv`);
}

/**
 * One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote, a line break or
 * leading or trailing blanks (which spreadsheets would trim), quotes inside doubled.
 */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes the checkpoint's failed rows (each row's latest outcome) as a CSV of id, video_path,
 * error and error_kind (see failureKind), in CSV order, atomically. The records stream from the
 * journal one at a time, so a million failures cost what one does; the checkpoint is read without
 * its lock, so a running job's failures so far are exported. Answers how many rows were written.
 */
export async function writeFailuresCsv(checkpointPath: string, csvPath = failuresCsvPathOf(checkpointPath)): Promise<number> {
  const contents = CheckpointContents.readSync(checkpointPath);
  let rows = 0;
  await writeFileAtomically(csvPath, async (append) => {
    await append(`${FAILURES_COLUMNS.join(',')}\r\n`);
    for (const { bytes } of contents.recordBytesInRowOrder(undefined, 'failed')) {
      const record = JSON.parse(bytes.toString('utf8')) as ProcessingRecord;
      const error = record.error ?? '';
      await append(`${[record.id, record.video_path, error, failureKind(error)].map(csvField).join(',')}\r\n`);
      rows++;
    }
  });
  return rows;
}
