import { writeFileAtomically } from './atomicFile';

/** The results files' names in an output folder (the spec's), for a run and for a merged job alike. */
export const RESULTS_JSON_FILE = 'processing_results.json';
export const STATS_JSON_FILE = 'processing_stats.json';

/**
 * Writes a JSON array of the records, one a line, atomically, from their JSON bytes as they come:
 * nothing is parsed or held, so a million records cost what one does.
 */
export function writeResultsJson(file: string, recordBytes: Iterable<Buffer>): Promise<void> {
  return writeFileAtomically(file, async (append) => {
    let separator = '\n  ';
    await append('[');
    for (const record of recordBytes) {
      await append(separator);
      await append(record);
      separator = ',\n  ';
    }
    await append(separator === '\n  ' ? ']\n' : '\n]\n');
  });
}

/** Writes the stats object as indented JSON, atomically. */
export function writeStatsJson(file: string, stats: object): Promise<void> {
  return writeFileAtomically(file, (append) => append(`${JSON.stringify(stats, null, 2)}\n`));
}
