/**
 * The messages between a notebook host (the VS Code extension, tests) and the kernel process that
 * runs TypeScript cells. Both sides import these types; they cross a Node IPC channel
 * (`serialization: 'advanced'`, so buffers stay binary). Interrupts are not messages but SIGINT:
 * a cell spinning in a synchronous loop never reads its IPC channel.
 */
import type { KeyframesPageReply, KeyframesQuery, ProgressOutput } from '../display/notebookOutputs';
import type { MimeBundle } from '../display/display';
import type { BackendChoice, DeviceChoice } from '../config/decoderConfig';

/** The editor's settings the kernel applies to runs that do not set them. */
export interface KernelSettings {
  ffmpegPath?: string;
  device?: DeviceChoice;
  backend?: BackendChoice;
  numWorkers?: number;
  /** Where a run's results go when the cell names no folder; relative to the notebook's folder. */
  outputDir?: string;
}

export interface KernelStartOptions {
  /** The notebook file: its folder is the cells' working directory, its name the checkpoints'. */
  notebookPath: string;
  settings?: KernelSettings;
  /** How long the host lets an interrupted cell take before it restarts the kernel (default 20 s). */
  interruptGraceMs?: number;
}

/** An interrupted cell must end within this; otherwise it is stuck in synchronous code. */
export const DEFAULT_INTERRUPT_GRACE_MS = 20_000;
/** What the kernel keeps of the grace to report the interrupted runs before the host gives up on it. */
const REPORT_MARGIN_MS = 2_000;

/**
 * How long the kernel waits for interrupted processing runs to stop their workers and save their
 * checkpoints: inside the host's grace, so a kernel still stopping its runs is never restarted.
 */
export function runStopWaitMs(interruptGraceMs = DEFAULT_INTERRUPT_GRACE_MS): number {
  return Math.max(interruptGraceMs / 2, interruptGraceMs - REPORT_MARGIN_MS);
}

/** A text stream a cell wrote to, batched: one message per burst of writes, not per write. */
export interface StreamOutput {
  kind: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

/** A rich output; with a `displayId`, later `updateDisplay` outputs replace it. */
export interface DisplayOutput {
  kind: 'display';
  displayId?: string;
  data: MimeBundle;
}

export interface UpdateDisplayOutput {
  kind: 'updateDisplay';
  displayId: string;
  data: MimeBundle;
}

/** Where in the cell an error is, 1-based. */
export interface CellPosition {
  line: number;
  column: number;
}

export interface ErrorOutput {
  kind: 'error';
  /** `TypeScriptError` for type errors, else the thrown error's name. */
  name: string;
  message: string;
  /** The stack with positions in the cell's own lines; absent for type errors. */
  stack?: string;
  /** The first position the error points at, in the cell. */
  position?: CellPosition;
}

export type CellOutput = StreamOutput | DisplayOutput | UpdateDisplayOutput | ErrorOutput;

export type ExecutionStatus = 'ok' | 'error' | 'interrupted';

export interface ExecutionResult {
  status: ExecutionStatus;
  /** Wall time of the cell in the kernel, ms. */
  durationMs: number;
}

/** Completions at an offset of a cell's text, from the type checker, with earlier cells in scope. */
export interface CompletionResult {
  /** The text range `[start, end)` the chosen candidate replaces. */
  start: number;
  end: number;
  candidates: string[];
}

export interface HoverResult {
  start: number;
  end: number;
  /** The type, as the checker prints it (`const x: number`). */
  signature: string;
  documentation: string;
}

/** A processing run started from a cell, as the host's status bar shows it. */
export interface JobReport {
  phase: 'started' | 'progress' | 'finished';
  checkpointPath: string;
  csvPath: string;
  progress: ProgressOutput;
}

export type HostMessage =
  | { type: 'execute'; requestId: number; code: string }
  | { type: 'complete'; requestId: number; code: string; offset: number }
  | { type: 'hover'; requestId: number; code: string; offset: number }
  | { type: 'keyframesPage'; requestId: number; displayId: string; offset: number; limit: number; query?: KeyframesQuery }
  | { type: 'shutdown' };

export type KernelMessage =
  | { type: 'ready'; versions: Record<string, string> }
  | { type: 'output'; requestId: number; output: CellOutput }
  | { type: 'executed'; requestId: number; result: ExecutionResult }
  | { type: 'completed'; requestId: number; completion: CompletionResult }
  | { type: 'hovered'; requestId: number; hover: HoverResult | null }
  | { type: 'keyframesPage'; requestId: number; page: Omit<KeyframesPageReply, 'type' | 'outputId'> | null }
  | { type: 'job'; requestId: number; job: JobReport };

