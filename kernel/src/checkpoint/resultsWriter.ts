import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProcessingStatsDict } from '../stats/processingStats';
import { writeFileAtomically } from './atomicFile';
import type { Checkpoint } from './checkpoint';

/** Records per write call when streaming the results array out. */
const RECORDS_PER_WRITE = 1000;
/**
 * Rewriting the results file is linear in the dataset; done every few videos of a huge job it would
 * dominate the run. So besides `saveInterval`, a rewrite waits until the time since the last one is
 * at least ten times what that one took: rewrites never cost more than about a tenth of the run.
 */
const REWRITE_TIME_SHARE = 10;

/** outputDir/processing_results.json and processing_stats.json, rewritten atomically. */
export class ResultsWriter {
  private finishedSinceWrite = 0;
  private lastWriteEndedAt = 0;
  private lastWriteTook = 0;
  private writes: Promise<void> = Promise.resolve();
  private rewriting = false;

  constructor(
    readonly outputDir: string,
    private readonly options: { saveInterval: number },
  ) {}

  get resultsPath(): string {
    return path.join(this.outputDir, 'processing_results.json');
  }

  get statsPath(): string {
    return path.join(this.outputDir, 'processing_stats.json');
  }

  /** Called after each settled video: rewrites the results when the interval and time budget allow. */
  async maybeWrite(checkpoint: Checkpoint): Promise<boolean> {
    this.finishedSinceWrite++;
    if (this.rewriting || this.finishedSinceWrite < this.options.saveInterval) return false;
    if (performance.now() - this.lastWriteEndedAt < this.lastWriteTook * REWRITE_TIME_SHARE) return false;
    await this.writeResults(checkpoint);
    return true;
  }

  async writeFinal(checkpoint: Checkpoint, stats: ProcessingStatsDict): Promise<void> {
    await this.writeResults(checkpoint);
    await writeFileAtomically(this.statsPath, (append) => append(`${JSON.stringify(stats, null, 2)}\n`));
  }

  /** One rewrite at a time (the final one waits for one in progress). */
  private writeResults(checkpoint: Checkpoint): Promise<void> {
    const run = this.writes.then(() => this.rewrite(checkpoint));
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async rewrite(checkpoint: Checkpoint): Promise<void> {
    this.rewriting = true;
    try {
      await this.rewriteNow(checkpoint);
    } finally {
      this.rewriting = false;
    }
  }

  private async rewriteNow(checkpoint: Checkpoint): Promise<void> {
    const started = performance.now();
    await mkdir(this.outputDir, { recursive: true });
    const records = checkpoint.records();
    await writeFileAtomically(this.resultsPath, async (append) => {
      await append('[');
      for (let at = 0; at < records.length; at += RECORDS_PER_WRITE) {
        const part = records.slice(at, at + RECORDS_PER_WRITE).map((record) => `\n  ${JSON.stringify(record)}`);
        await append((at ? ',' : '') + part.join(','));
      }
      await append(records.length ? '\n]\n' : ']\n');
    });
    await checkpoint.saveManifest();
    this.finishedSinceWrite = 0;
    this.lastWriteEndedAt = performance.now();
    this.lastWriteTook = this.lastWriteEndedAt - started;
  }
}
