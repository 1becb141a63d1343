/**
 * Messages between the pool (in the kernel or CLI process) and a decoding worker process. They
 * travel over Node's IPC channel with `serialization: 'advanced'`, so pixel buffers cross as
 * binary (structured clone), never as JSON.
 */
import type { SourceSettings } from '../decode/sourceOptions';
import type { BuiltinTask } from '../builtins/builtinTasks';
import type { DecodeDevice, FrameRequest, VideoFrame, VideoMetadata } from '../video/videoTypes';

export interface OpenVideoMessage {
  type: 'open';
  jobId: number;
  videoPath: string;
  videoId: string;
  outputDir?: string;
  gpuId: number;
  /** With a task the worker runs it and answers `done`/`failed`; without, it serves `call`s until `release`. */
  task?: BuiltinTask;
}

export type SourceCall =
  | { method: 'metadata' }
  | { method: 'frameTimestamps' }
  | { method: 'frames'; indices: number[]; request?: FrameRequest };

export type CallMessage = { type: 'call'; jobId: number; callId: number } & SourceCall;

export interface ReleaseMessage {
  type: 'release';
  jobId: number;
}

export type ToWorker = OpenVideoMessage | CallMessage | ReleaseMessage;

export interface ReadyMessage {
  type: 'ready';
}

/** A job is over (a built-in finished, or a released source was closed). */
export interface DoneMessage {
  type: 'done';
  jobId: number;
  /**
   * The built-in's record; with `jpegOutput: 'bytes'` a `RecordWithJpegs`, whose JPEGs cross as
   * binary (structured clone), not as JSON.
   */
  result?: unknown;
  /** The device that decoded, once a decoder was opened. */
  device?: DecodeDevice;
  framesDecoded: number;
  /** Worker's resident memory after the job, for recycling between videos. */
  rssBytes: number;
}

export interface FailedMessage {
  type: 'failed';
  jobId: number;
  error: string;
  /** The errno code of a system error (ENOSPC, ...): the pool tells the environment's faults from the video's. */
  errorCode?: string;
  device?: DecodeDevice;
  framesDecoded: number;
  rssBytes: number;
}

export type CallResult = VideoMetadata | VideoFrame[] | number[];

export interface ReplyMessage {
  type: 'reply';
  callId: number;
  value?: CallResult;
  error?: string;
  device?: DecodeDevice;
}

export interface LogMessage {
  type: 'log';
  message: string;
}

export type FromWorker = ReadyMessage | WorkerReport;
/** What a worker says once it is ready (WorkerProcess answers `ready` itself). */
export type WorkerReport = DoneMessage | FailedMessage | ReplyMessage | LogMessage;

/** What the worker process is started with (argv[2], JSON). */
export interface WorkerStartOptions {
  settings: SourceSettings;
}
