import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProcessingStatsDict } from '../stats/processingStats';
import { removeAbandonedTemporaries, writeFileAtomically } from './atomicFile';
import type { Checkpoint } from './checkpoint';

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
}

/**
 * outputDir/processing_results.json (a JSON array, every row's latest record once, in CSV order)
 * and processing_stats.json, each rewritten atomically.
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
    return path.join(this.outputDir, 'processing_results.json');
  }

  get statsPath(): string {
    return path.join(this.outputDir, 'processing_stats.json');
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

  /** The end of a run: the results and the stats, whatever the interval. */
  async writeFinal(checkpoint: Checkpoint, stats: ProcessingStatsDict): Promise<void> {
    await this.writing;
    await this.writeResults(checkpoint);
    await writeFileAtomically(this.statsPath, (append) => append(`${JSON.stringify(stats, null, 2)}\n`));
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
      await writeFileAtomically(this.resultsPath, async (append) => {
        let separator = '\n  ';
        await append('[');
        for (const record of checkpoint.recordTextsInRowOrder()) {
          await append(separator + record);
          separator = ',\n  ';
        }
        await append(separator === '\n  ' ? ']\n' : '\n]\n');
      });
      await checkpoint.saveManifest();
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
      this.lastWriteEndedAt = performance.now();
      this.lastWriteTook = this.lastWriteEndedAt - started;
    }
  }
}
