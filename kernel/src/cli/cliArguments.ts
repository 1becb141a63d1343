import { parseArgs } from 'node:util';
import type { BackendChoice, DeviceChoice } from '../config/decoderConfig';
import { BUILTIN_NAMES, type BuiltinName } from '../builtins/builtinTasks';

export const USAGE = `Usage: video-batch-kernel process <csv> --video-col <name> [--id-col <name>]
    [--fn keyframes|metadata|adaptive] [--num-frames N] [--min-frames N] [--max-frames N] [--size PX]
    [--out DIR] [--checkpoint FILE] [--workers N] [--device auto|cpu|gpu] [--gpus 0,1]
    [--backend libav|ffmpeg] [--ffmpeg PATH] [--save-interval N] [--timeout SECONDS] [--retry-failed]
    [--fresh]

Runs a processing function over every video of a CSV, with a checkpoint beside the CSV:
run the same command again to resume after a crash or Ctrl-C. --fresh moves an existing checkpoint
aside and starts over.`;

export interface ProcessCommand {
  csvPath: string;
  videoCol: string;
  idCol?: string;
  fn: BuiltinName;
  numFrames: number;
  minFrames: number;
  maxFrames: number;
  size?: number;
  outputDir?: string;
  checkpointPath?: string;
  workers: number;
  device: DeviceChoice;
  gpuIds: number[];
  backend: BackendChoice;
  ffmpegPath?: string;
  saveInterval: number;
  timeoutSeconds: number;
  retryFailed: boolean;
  fresh: boolean;
}

/** Bad command-line input; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} takes a whole number >= ${min}, got '${text}'`);
  return value;
}

function oneOf<T extends string>(flag: string, text: string | undefined, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`${flag} takes one of ${allowed.join(', ')}; got '${text}'`);
  return text as T;
}

export function parseCliArguments(argv: string[]): ProcessCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'video-col': { type: 'string' },
      'id-col': { type: 'string' },
      fn: { type: 'string' },
      'num-frames': { type: 'string' },
      'min-frames': { type: 'string' },
      'max-frames': { type: 'string' },
      size: { type: 'string' },
      out: { type: 'string' },
      checkpoint: { type: 'string' },
      workers: { type: 'string' },
      device: { type: 'string' },
      gpus: { type: 'string' },
      backend: { type: 'string' },
      ffmpeg: { type: 'string' },
      'save-interval': { type: 'string' },
      timeout: { type: 'string' },
      'retry-failed': { type: 'boolean' },
      fresh: { type: 'boolean' },
    },
  });
  const [command, csvPath, ...extra] = positionals;
  if (command !== 'process') throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  if (!csvPath) throw new UsageError('process needs the CSV file');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoCol = values['video-col'];
  if (!videoCol) throw new UsageError('--video-col is required: the column that holds the video paths');
  const gpuIds = (values.gpus ?? '0').split(',').map((id) => wholeNumber('--gpus', id.trim(), 0, 0));
  return {
    csvPath,
    videoCol,
    idCol: values['id-col'],
    fn: oneOf('--fn', values.fn, BUILTIN_NAMES, 'keyframes'),
    numFrames: wholeNumber('--num-frames', values['num-frames'], 16, 1),
    minFrames: wholeNumber('--min-frames', values['min-frames'], 8, 1),
    maxFrames: wholeNumber('--max-frames', values['max-frames'], 32, 1),
    size: values.size === undefined ? undefined : wholeNumber('--size', values.size, 0, 2),
    outputDir: values.out,
    checkpointPath: values.checkpoint,
    workers: wholeNumber('--workers', values.workers, 2, 1),
    device: oneOf('--device', values.device, ['auto', 'cpu', 'gpu'] as const, 'auto'),
    gpuIds,
    backend: oneOf('--backend', values.backend, ['libav', 'ffmpeg'] as const, 'libav'),
    ffmpegPath: values.ffmpeg,
    saveInterval: wholeNumber('--save-interval', values['save-interval'], 100, 1),
    timeoutSeconds: wholeNumber('--timeout', values.timeout, 600, 0),
    retryFailed: values['retry-failed'] ?? false,
    fresh: values.fresh ?? false,
  };
}
