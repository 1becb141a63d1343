import * as path from 'node:path';
import { notebookCheckpointPath } from '../checkpoint/notebookCheckpoints';
import { newDisplay } from '../display/display';
import { holdsKeyframes } from '../display/keyframesOutput';
import { errorText } from '../errorText';
import type { ResultRecords } from '../checkpoint/resultRecords';
import type { RunAttachment, RunBeginning, RunEnvironment } from '../processor/runEnvironment';
import type { JobReport, KernelSettings } from './kernelProtocol';
import { LiveRunDisplay } from './liveRunDisplay';

/** A run in progress in the kernel, for interrupts to wait on. */
export interface ActiveRun {
  readonly checkpointPath: string;
  readonly settled: Promise<void>;
  /** The counts as last shown, for the cell's "interrupted" message. */
  lastProgress?: JobReport['progress'];
}

export interface NotebookRunHooks {
  /** Aborted when the user interrupts the cell that starts a run. */
  cellSignal(): AbortSignal | undefined;
  reportJob(job: JobReport): void;
}

/**
 * Runs started from cells: checkpoints beside the notebook (one per notebook and dataset),
 * results in a folder beside it unless the cell names one, the editor's settings as defaults, a
 * live progress display per run and a keyframe grid when it ends, and cancellation by interrupt.
 */
export class NotebookRunEnvironment implements RunEnvironment {
  readonly defaults: KernelSettings;
  readonly activeRuns = new Set<ActiveRun>();

  constructor(
    private readonly notebookPath: string,
    private readonly settings: KernelSettings,
    private readonly hooks: NotebookRunHooks,
  ) {
    const { device, backend, ffmpegPath, numWorkers } = settings;
    this.defaults = { device, backend, ffmpegPath, numWorkers };
  }

  checkpointPathFor(csvPath: string): string {
    return notebookCheckpointPath(this.notebookPath, csvPath);
  }

  /** `<setting or "<notebook>.vbk-output">/<csv name>/`: the keyframe grid needs JPEGs on disk. */
  outputDirFor(csvPath: string): string {
    const notebook = path.parse(path.resolve(this.notebookPath));
    const base = path.resolve(notebook.dir, this.settings.outputDir || `${notebook.name}.vbk-output`);
    return path.join(base, path.parse(csvPath).name);
  }

  attach(run: RunBeginning): RunAttachment {
    let markSettled = (): void => undefined;
    const active: ActiveRun = { checkpointPath: run.checkpointPath, settled: new Promise((resolve) => (markSettled = resolve)) };
    this.activeRuns.add(active);
    const report = (phase: JobReport['phase']) => (progress: JobReport['progress']) => {
      active.lastProgress = progress;
      this.hooks.reportJob({ phase, checkpointPath: run.checkpointPath, csvPath: run.csvPath, progress });
    };
    const live = new LiveRunDisplay(run.processor, run.device, newDisplay(), (progress) =>
      report(progress.state === 'running' && !active.lastProgress ? 'started' : 'progress')(progress));
    const signal = this.hooks.cellSignal();
    return {
      ...(signal ? { signal } : {}),
      finished: (outcome) => {
        const final = 'results' in outcome
          ? live.end(outcome.results.interrupted ? 'interrupted' : 'done')
          : live.end('failed', errorText(outcome.error));
        if (final) report('finished')(final);
        if ('results' in outcome) this.showKeyframeGrid(outcome.results.records);
        this.activeRuns.delete(active);
        markSettled();
      },
    };
  }

  /** The grid is a courtesy: a JPEG deleted meanwhile must not fail the run that wrote it. */
  private showKeyframeGrid(records: ResultRecords): void {
    try {
      // The grid holds every row, so its status filter can show the failures beside the frames.
      if (holdsKeyframes(records.withStatus('processed'))) newDisplay().records(records);
    } catch (error) {
      process.stderr.write(`The keyframe grid could not be shown: ${errorText(error)}\n`);
    }
  }
}
