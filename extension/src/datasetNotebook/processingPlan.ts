import type { DeviceChoice } from '../../../kernel/src/config/decoderConfig';

export type ProcessingKind = 'keyframes' | 'metadata' | 'adaptive' | 'fps' | 'scenes';

/** The sampling rate the form proposes for fps sampling: one frame per second, what dataset tools most often take. */
export const DEFAULT_FORM_FPS = 1;

/** Everything the "Process Video Dataset" form asks; the notebook it writes does exactly this. */
export interface ProcessingPlan {
  csvPath: string;
  videoCol: string;
  /** Absent: rows are identified by their number. */
  idCol?: string;
  processing: ProcessingKind;
  /** Keyframes per video (keyframes), or the most frames (adaptive). */
  numFrames: number;
  /** Frames per second of video time (fps sampling only). */
  fps?: number;
  /** Shorter side of the JPEGs, px. */
  thumbnailSize: number;
  /** Absent: the engine's default, one worker per core. */
  numWorkers?: number;
  device: DeviceChoice;
  /** Absent: beside the notebook (`<notebook>.vbk-output/`), or the outputDir setting. */
  outputDir?: string;
}

/** Answers given up front (the explorer's CSV, a script or a test); the form asks only for the rest. */
export type ProcessingPlanAnswers = Partial<ProcessingPlan>;
