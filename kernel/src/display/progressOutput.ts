import type { MachineProgress, ProgressSnapshot } from '../processor/progressEvents';
import { failureKind, type FailureKindCounts } from '../stats/failureKinds';
import type { ProcessingError } from '../stats/processingStats';
import { PROGRESS_ERRORS_LISTED, PROGRESS_MACHINES_LISTED, type DeviceInUse, type MachineNow, type ProgressOutput, type RunState } from './notebookOutputs';

/** The longest a DNS name can be: a longer name, set by hand on some machine, is cut rather than re-sent whole on every update. */
const HOST_CHARS = 253;

/** What the progress output needs beyond a snapshot, gathered from the run's other events. */
export interface ProgressContext {
  state: RunState;
  device: DeviceInUse;
  /** Failures so far, in the order they happened. */
  errors: readonly ProcessingError[];
  /** Failures counted but already left out of `errors`. */
  errorsNotListed?: number;
  /** Every failure so far by kind, the ones left out included. */
  errorsByKind?: FailureKindCounts;
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
    errors: listed.map(({ id, video_path, error }) => ({ id, video_path, error, kind: failureKind(error) })),
    errorsNotListed: (context.errorsNotListed ?? 0) + context.errors.length - listed.length,
    ...(context.errorsByKind ? { errorsByKind: { ...context.errorsByKind } } : {}),
    dataset: { ...snapshot.dataset },
    ...(context.reading ? { reading: { ...context.reading } } : {}),
    ...(snapshot.machines ? machinesNow(snapshot.machines) : {}),
  };
}

/**
 * The machines of a queue job, by host and then process, so rows keep their places from one update
 * to the next; only the first PROGRESS_MACHINES_LISTED, and only what the display shows.
 */
function machinesNow(machines: readonly MachineProgress[]): Pick<ProgressOutput, 'machines' | 'machinesNotListed'> {
  const sorted = [...machines].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.pid - b.pid));
  const listed: MachineNow[] = sorted.slice(0, PROGRESS_MACHINES_LISTED).map(({ host, workers, done, videosPerSecond, active }) => ({
    host: host.slice(0, HOST_CHARS),
    workers,
    done,
    // Two decimals are more than the display shows; the long tail of a float is bytes on every update.
    videosPerSecond: Math.round(videosPerSecond * 100) / 100,
    active,
  }));
  return { machines: listed, machinesNotListed: machines.length - listed.length };
}
