import type { ProgressSnapshot } from '../processor/progressEvents';
import type { ProcessingError } from '../stats/processingStats';
import { PROGRESS_ERRORS_LISTED, type DeviceInUse, type ProgressOutput, type RunState } from './notebookOutputs';

/** What the progress output needs beyond a snapshot, gathered from the run's other events. */
export interface ProgressContext {
  state: RunState;
  device: DeviceInUse;
  /** Failures so far, in the order they happened. */
  errors: readonly ProcessingError[];
  /** Failures counted but already left out of `errors`. */
  errorsNotListed?: number;
  /** Paths of the videos being decoded, by id (from videoStarted events). */
  videoPaths?: ReadonlyMap<string, string>;
  message?: string;
  /** While the CSV is read before the first video. */
  reading?: ProgressOutput['reading'];
}

/** The progress output for one moment of a run. */
export function progressOutput(snapshot: ProgressSnapshot, context: ProgressContext): ProgressOutput {
  const listed = context.errors.slice(0, PROGRESS_ERRORS_LISTED);
  return {
    state: context.state,
    ...(context.message === undefined ? {} : { message: context.message }),
    processed: snapshot.processed,
    failed: snapshot.failed,
    skipped: snapshot.skipped,
    total: snapshot.total,
    videosPerSecond: snapshot.videosPerSecond,
    elapsedSeconds: snapshot.elapsedSeconds,
    etaSeconds: context.state === 'running' ? snapshot.etaSeconds : null,
    workers: snapshot.workers.map(({ workerId, videoId }) => {
      const videoPath = videoId === undefined ? undefined : context.videoPaths?.get(videoId);
      return { workerId, ...(videoId === undefined ? {} : { videoId }), ...(videoPath === undefined ? {} : { videoPath }) };
    }),
    device: context.device,
    framesPerSecond: { ...snapshot.framesPerSecond },
    errors: listed.map(({ id, video_path, error }) => ({ id, video_path, error })),
    errorsNotListed: (context.errorsNotListed ?? 0) + context.errors.length - listed.length,
    dataset: { ...snapshot.dataset },
    ...(context.reading ? { reading: { ...context.reading } } : {}),
  };
}
