import type { ProgressOutput } from '../display/notebookOutputs';
import type { ErrorOutput } from './kernelProtocol';

export interface InterruptedRun {
  checkpointPath: string;
  /** The run's last progress; absent when it was stopped before its first. */
  progress?: ProgressOutput;
}

/** What an interrupted cell says: what its runs had done, and that running it again resumes them. */
export function interruptedMessage(runs: readonly InterruptedRun[]): ErrorOutput {
  const lines = runs.map(({ checkpointPath, progress }) => {
    if (!progress) return `A processing run was stopped before it started; checkpoint: ${checkpointPath}`;
    const settled = progress.processed + progress.failed + progress.skipped;
    return `Processing stopped at ${settled}/${progress.total} videos (${progress.processed} processed, ${progress.failed} failed, ${progress.skipped} skipped or done earlier). `
      + `The checkpoint ${checkpointPath} is saved: run the cell again to resume.`;
  });
  return { kind: 'error', name: 'Interrupted', message: ['The cell was interrupted.', ...lines].join('\n') };
}
