import type { BackendChoice, DeviceChoice } from '../config/decoderConfig';
import { defaultCheckpointPath } from '../checkpoint/checkpoint';
import type { ProcessingResults } from './processingOptions';
import type { ProcessorEventMap } from './progressEvents';
import type { EventEmitter } from 'node:events';

/** Settings a host (the notebook kernel, from the editor's settings) gives every run that does not set them. */
export interface RunDefaults {
  device?: DeviceChoice;
  backend?: BackendChoice;
  ffmpegPath?: string;
  numWorkers?: number;
}

/** A run as its host sees it begin. */
export interface RunBeginning {
  processor: EventEmitter<ProcessorEventMap>;
  /** The device the processor's configuration asks for. */
  device: DeviceChoice;
  csvPath: string;
  checkpointPath: string;
  outputDir?: string;
}

/** What the host does with one run: cancel it, and hear how it ended. */
export interface RunAttachment {
  signal?: AbortSignal;
  finished(outcome: { results: ProcessingResults } | { error: unknown }): void;
}

/**
 * What the process hosting the library supplies to every `processDataset`: defaults, where a
 * checkpoint goes when none is named, and a hook that sees each run. Standalone (a script, the
 * CLI) the checkpoint goes beside the CSV and nothing watches; the notebook kernel installs its
 * own, so a run started from a cell shows live progress, keeps its checkpoint beside the notebook
 * and stops when the cell is interrupted.
 */
export interface RunEnvironment {
  defaults: RunDefaults;
  checkpointPathFor(csvPath: string): string;
  /** Where results go when the call names no output folder; undefined: nowhere. */
  outputDirFor(csvPath: string): string | undefined;
  attach(run: RunBeginning): RunAttachment;
}

const standalone: RunEnvironment = {
  defaults: {},
  checkpointPathFor: (csvPath) => defaultCheckpointPath(csvPath),
  outputDirFor: () => undefined,
  attach: () => ({ finished: () => undefined }),
};

let current: RunEnvironment = standalone;

export function runEnvironment(): RunEnvironment {
  return current;
}

/** Installs the host's environment (once per process, by the notebook kernel). */
export function setRunEnvironment(environment: RunEnvironment): void {
  current = environment;
}
