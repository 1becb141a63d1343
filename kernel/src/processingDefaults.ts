import * as os from 'node:os';

/*
 * The defaults of a run, in one place: the library, the CLI (and its --help) and the editor's
 * generated notebooks read them from here.
 */

/** Frames per video of the keyframes built-in. */
export const DEFAULT_NUM_FRAMES = 16;
/** Bounds of adaptive sampling: short, still videos get the minimum, long busy ones the maximum. */
export const DEFAULT_ADAPTIVE_FRAMES = { minFrames: 8, maxFrames: 32 } as const;
/** The results file is rewritten at most every this many finished videos. */
export const DEFAULT_SAVE_INTERVAL = 100;
/** Per-video limit; a video past it is failed and its worker killed (0: none). */
export const DEFAULT_TIMEOUT_SECONDS = 600;
/** More workers than this rarely pays: decoding saturates memory bandwidth before cores. */
const MAX_DEFAULT_WORKERS = 8;

/** Decoding worker processes when none are asked for: one per CPU core, at most 8. */
export function defaultWorkerCount(): number {
  return Math.min(MAX_DEFAULT_WORKERS, os.availableParallelism());
}

/** How the worker default reads in help texts. */
export const DEFAULT_WORKERS_TEXT = `one per CPU core, at most ${MAX_DEFAULT_WORKERS}`;

/** A decoding worker above this resident memory after a video is replaced. */
export const DEFAULT_MAX_WORKER_MEMORY_MB = 2048;

/** Rows a run keeps in flight: more than workers, so cheap rows share the journal's fsyncs. */
export function rowsInFlight(numWorkers: number): number {
  return numWorkers * 4 + 256;
}
