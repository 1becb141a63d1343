import type { VideoLoader } from '../video/videoLoader';
import { extractKeyframes, type KeyframeOptions } from './extractKeyframes';
import { extractMetadata } from './extractMetadata';
import { sampleAdaptiveFrames, type AdaptiveOptions } from './sampleAdaptiveFrames';
import { sampleFpsFrames, type FpsOptions } from './sampleFpsFrames';
import { detectScenes, type SceneOptions } from './detectScenes';

/** A processing function: gets a lazy loader, returns a JSON-serialisable record (sync or async). */
export type ProcessFn = (loader: VideoLoader) => unknown;

/**
 * A built-in processing step described as data, so that it can run entirely inside a decoding
 * worker: only its small record crosses back, never frames.
 */
export type BuiltinTask =
  | { name: 'keyframes'; options: KeyframeOptions }
  | { name: 'metadata'; options: Record<string, never> }
  | { name: 'adaptive'; options: AdaptiveOptions }
  | { name: 'fps'; options: FpsOptions }
  | { name: 'scenes'; options: SceneOptions };

export type BuiltinName = BuiltinTask['name'];
export const BUILTIN_NAMES: readonly BuiltinName[] = ['keyframes', 'metadata', 'adaptive', 'fps', 'scenes'];

/** A ProcessFn that also carries its task description; calling it runs the same code in-process. */
export interface BuiltinProcessFn extends ProcessFn {
  readonly builtinTask: BuiltinTask;
}

export function runBuiltinTask(task: BuiltinTask, loader: VideoLoader): Promise<unknown> {
  switch (task.name) {
    case 'keyframes':
      return extractKeyframes(loader, task.options);
    case 'metadata':
      return extractMetadata(loader);
    case 'adaptive':
      return sampleAdaptiveFrames(loader, task.options);
    case 'fps':
      return sampleFpsFrames(loader, task.options);
    case 'scenes':
      return detectScenes(loader, task.options);
  }
}

/** The processing function a task description stands for (the inverse of `builtinTaskOf`). */
export function builtinProcessFn(task: BuiltinTask): BuiltinProcessFn {
  return Object.assign((loader: VideoLoader) => runBuiltinTask(task, loader), { builtinTask: task });
}

/**
 * The built-in processing functions, ready to pass as `processFn`. Unlike an arbitrary function,
 * these run inside the decoding workers.
 */
export const builtins = {
  keyframes: (options: KeyframeOptions = {}): BuiltinProcessFn => builtinProcessFn({ name: 'keyframes', options }),
  metadata: (): BuiltinProcessFn => builtinProcessFn({ name: 'metadata', options: {} }),
  adaptive: (options: AdaptiveOptions = {}): BuiltinProcessFn => builtinProcessFn({ name: 'adaptive', options }),
  /** The frames displayed every 1/fps seconds; fps is required (there is no rate that suits every video). */
  fps: (options: FpsOptions): BuiltinProcessFn => builtinProcessFn({ name: 'fps', options }),
  /** Shot boundaries (every frame decoded once at 64 px) and the middle frame of each shot. */
  scenes: (options: SceneOptions = {}): BuiltinProcessFn => builtinProcessFn({ name: 'scenes', options }),
};

export function builtinTaskOf(fn: ProcessFn): BuiltinTask | undefined {
  const task = (fn as Partial<BuiltinProcessFn>).builtinTask;
  return task && BUILTIN_NAMES.includes(task.name) ? task : undefined;
}
