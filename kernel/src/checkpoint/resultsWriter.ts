import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProcessingStatsDict } from '../stats/processingStats';
import { removeAbandonedTemporaries } from './atomicFile';
import { RESULTS_JSON_FILE, STATS_JSON_FILE, writeResultsJson, writeStatsJson } from './resultsFiles';
import type { Checkpoint } from './checkpoint';
import { PARQUET_RESULTS_FILE, writeResultsParquet } from '../outputs/parquetResults';

/**
 * Rewriting the results file is linear in the dataset; done every few videos of a huge job it would
 * dominate the run. So besides `saveInterval`, a rewrite waits until the time since the last one
 * ended is long enough that rewrites take at most `maxTimeShare` of the run's wall time: a rewrite
 * that took t waits t * (1 / share - 1), 9t for the default tenth. The checkpoint's journal, not
 * this file, is what makes progress durable, so a later rewrite loses nothing.
 */
const DEFAULT_MAX_TIME_SHARE = 0.1;

export interface ResultsWriterOptions {
  /** Settled videos between rewrites, at least. */
  saveInterval: number;
  /** The most of the run's wall time rewrites may take (0 < share <= 1); default 0.1. */
  maxTimeShare?: number;
  /** Told of each file written, with how long it took. */
  onWritten?: (written: ResultsFileWritten) => void;
}

/** One results file written: which, and in how many seconds. */
export interface ResultsFileWritten {
  file: string;
  seconds: number;
}

/**
 * outputDir/processing_results.json (a JSON array, every row's latest record once, in CSV order),
 * processing_results.parquet (the same records as a typed table) and processing_stats.json, each
 * rewritten atomically.
 */
export class ResultsWriter {
  private finishedSinceWrite = 0;
  private lastWriteEndedAt = 0;
  private lastWriteTook = 0;
  private writing?: Promise<void>;
  private abandonedRemoved = false;

  constructor(
    readonly outputDir: string,
    private readonly options: ResultsWriterOptions,
  ) {}

  get resultsPath(): string {
    return path.join(this.outputDir, RESULTS_JSON_FILE);
  }

  get statsPath(): string {
    return path.join(this.outputDir, STATS_JSON_FILE);
  }

  /**
   * Called after each settled video: rewrites the results when `saveInterval` videos settled since
   * the last rewrite and the time budget allows. Never runs two rewrites at once: a video settling
   * meanwhile is counted for the next one. Resolves true when it rewrote.
   */
  async maybeWrite(checkpoint: Checkpoint): Promise<boolean> {
    this.finishedSinceWrite++;
    if (this.writing || this.finishedSinceWrite < Math.max(1, this.options.saveInterval)) return false;
    const share = this.options.maxTimeShare ?? DEFAULT_MAX_TIME_SHARE;
    if (performance.now() - this.lastWriteEndedAt < this.lastWriteTook * (1 / share - 1)) return false;
    await this.writeResults(checkpoint);
    return true;
  }

  get parquetPath(): string {
    return path.join(this.outputDir, PARQUET_RESULTS_FILE);
  }

  /**
   * The end of a run, an interrupted one too: the results whatever the interval, the Parquet
   * table (written once a run: it is typed column by column, so it is not patched as rows settle),
   * and the stats. Results files already written from this very journal (a resume that found
   * everything done) are left as they are: rewriting a million records would be the run's cost.
   */
  async writeFinal(checkpoint: Checkpoint, stats: ProcessingStatsDict): Promise<void> {
    await this.writing;
    const current = checkpoint.resultsCurrentIn(this.outputDir) && [this.resultsPath, this.parquetPath].every((file) => existsSync(file));
    if (!current) {
      // The journal's size before writing: outcomes appended meanwhile are not in these files.
      const journalBytes = checkpoint.journalSize;
      await this.writeResults(checkpoint);
      await this.timed(this.parquetPath, () => writeResultsParquet(this.parquetPath, () => checkpoint.records));
      await checkpoint.noteResultsWritten(this.outputDir, journalBytes);
    }
    await this.timed(this.statsPath, () => writeStatsJson(this.statsPath, stats));
  }

  private async timed(file: string, write: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    await write();
    this.options.onWritten?.({ file, seconds: (performance.now() - started) / 1000 });
  }

  private async writeResults(checkpoint: Checkpoint): Promise<void> {
    const started = performance.now();
    this.finishedSinceWrite = 0;
    this.writing = (async () => {
      await mkdir(this.outputDir, { recursive: true });
      if (!this.abandonedRemoved) {
        // A run killed while rewriting these files left its temporaries; this run owns the files now.
        for (const file of [this.resultsPath, this.statsPath]) await removeAbandonedTemporaries(file);
        this.abandonedRemoved = true;
      }
      await writeResultsJson(this.resultsPath, checkpoint.records.jsonBytes());
      await checkpoint.saveManifest();
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
      this.lastWriteEndedAt = performance.now();
      this.lastWriteTook = this.lastWriteEndedAt - started;
      this.options.onWritten?.({ file: this.resultsPath, seconds: this.lastWriteTook / 1000 });
    }
  }
}
