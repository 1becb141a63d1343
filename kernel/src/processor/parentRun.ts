import type { ProcessFn } from '../builtins/builtinTasks';
import type { OpenedVideoSource } from '../decode/sourceOptions';
import { errorText } from '../errorText';
import type { JobOutcome } from '../pool/workerPool';
import { VideoLoader } from '../video/videoLoader';
import type { RunWorkers } from './runWorkers';

/** A row's outcome; `workerId` is absent when no worker was needed. */
export type RowOutcome = Omit<JobOutcome, 'workerId'> & { workerId?: number };

export interface ParentRowJob {
  videoId: string;
  videoPath: string;
  outputDir?: string;
  processFn: ProcessFn;
  onStart(workerId: number): void;
}

/**
 * Runs a processing function here, in the run's process, on a loader whose video is opened on a
 * decoding worker only when the function first asks for metadata or frames. A function that never
 * does (it reads only the path, or the CSV's other columns) starts no worker process, and the pool
 * itself is only started by the first video that needs one. The per-video timeout then counts from
 * the moment the video is opened on a worker: code that runs here cannot be killed anyway.
 */
export async function runInParent(workers: RunWorkers, job: ParentRowJob): Promise<RowOutcome> {
  const started = performance.now();
  let workerJob: Promise<JobOutcome> | undefined;
  let finishFunction: (outcome: { result?: unknown; error?: string }) => void = () => undefined;
  const functionDone = new Promise<{ result?: unknown; error?: string }>((resolve) => (finishFunction = resolve));
  const openOnWorker = () =>
    new Promise<OpenedVideoSource>((resolve, reject) => {
      workerJob = workers.get().then((pool) =>
        pool.run({
          videoId: job.videoId,
          videoPath: job.videoPath,
          outputDir: job.outputDir,
          onStart: job.onStart,
          // The pool holds the worker until the function here is done with the source.
          useSource: async (source) => {
            resolve(source);
            const outcome = await functionDone;
            if (outcome.error !== undefined) throw new Error(outcome.error);
            return outcome.result;
          },
        }),
      );
      // Cancelled or failed before the worker took the video: the function's call fails with why.
      workerJob.then((outcome) => reject(new Error(outcome.error ?? 'the run was cancelled')), reject);
    });
  const loader = new VideoLoader({ videoId: job.videoId, videoPath: job.videoPath, outputDir: job.outputDir }, openOnWorker);
  let outcome: { result?: unknown; error?: string };
  try {
    outcome = { result: await job.processFn(loader) };
  } catch (error) {
    outcome = { error: errorText(error) };
  }
  finishFunction(outcome);
  await loader.close().catch(() => undefined);
  if (!workerJob) return { ...outcome, framesDecoded: 0, seconds: (performance.now() - started) / 1000 };
  // The worker's word wins: a worker that died or timed out explains the function's failure.
  return await workerJob;
}
