import { writeFileAtomically } from './atomicFile';

/** The results files' names in an output folder (the spec's), for a run and for a merged job alike. */
export const RESULTS_JSON_FILE = 'processing_results.json';
export const STATS_JSON_FILE = 'processing_stats.json';
export const PARQUET_RESULTS_FILE = 'processing_results.parquet';

/**
 * Writes a JSON array of the records, one a line, atomically, from their JSON bytes as they come:
 * nothing is parsed or held, so a million records cost what one does. `onPlaced` hears where in
 * the file each record's bytes went, for a reader that pages the file later.
 */
export function writeResultsJson(file: string, recordBytes: Iterable<Buffer>, onPlaced?: (record: Buffer, offset: number) => void): Promise<void> {
  return writeFileAtomically(file, async (append) => {
    let separator = '\n  ';
    let written = 1;
    await append('[');
    for (const record of recordBytes) {
      await append(separator);
      written += separator.length;
      onPlaced?.(record, written);
      await append(record);
      written += record.length;
      separator = ',\n  ';
    }
    await append(separator === '\n  ' ? ']\n' : '\n]\n');
  });
}

/** Writes the stats object as indented JSON, atomically. */
export function writeStatsJson(file: string, stats: object): Promise<void> {
  return writeFileAtomically(file, (append) => append(`${JSON.stringify(stats, null, 2)}\n`));
}
