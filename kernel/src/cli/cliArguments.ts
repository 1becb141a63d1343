import { parseArgs } from 'node:util';
import {
  BACKEND_CHOICES, DEFAULT_BACKEND, DEFAULT_DEVICE, DEVICE_CHOICES, type BackendChoice, type DeviceChoice,
} from '../config/decoderConfig';
import { BUILTIN_NAMES, builtins, type BuiltinName, type BuiltinProcessFn } from '../builtins/builtinTasks';
import {
  DEFAULT_ADAPTIVE_FRAMES, DEFAULT_NUM_FRAMES, DEFAULT_SAVE_INTERVAL, DEFAULT_TIMEOUT_SECONDS, DEFAULT_WORKERS_TEXT,
} from '../processingDefaults';
import { DEFAULT_MAX_SHARD_BYTES, DEFAULT_MAX_SHARD_SAMPLES } from '../outputs/webdataset/shardWriter';
import { DEFAULT_OUTPUT_FORMAT, OUTPUT_FORMATS, type OutputFormat } from '../processor/outputFormat';
import { parseArgsOptions, UsageError, type CommandSpec, type FlagSpec } from './cliFlags';
import { PROCESS_EXIT_CODES } from './exitCodes';
import { DEFAULT_SCENE_THRESHOLD } from '../video/shotBoundaries';
import { RESIZE_FITS, type ResizeRequest } from '../video/resizeGeometry';
import { DEFAULT_INTERPOLATION, INTERPOLATIONS, type Interpolation } from '../video/interpolation';
import { parseShardFlag, type ShardChoice } from './shardFlag';

/** `--no-autorotate`, shared by the commands that decode frames. */
export const NO_AUTOROTATE_FLAG: FlagSpec = {
  name: 'no-autorotate',
  description: 'Frames as stored, not turned upright as the video\'s display matrix says (metadata still reports its rotation)',
  defaultText: 'frames upright',
};

export const PROCESS_COMMAND: CommandSpec = {
  name: 'process',
  positionals: '<csv>',
  summary: 'Runs a processing function over every video of a CSV, in decoding worker processes, with a crash-safe checkpoint.',
  flags: [
    { name: 'video-col', value: 'NAME', description: 'The column holding the video paths (required; relative paths resolve against the CSV\'s folder)' },
    { name: 'id-col', value: 'NAME', description: 'The column holding the ids', defaultText: 'the row number' },
    { name: 'fn', value: BUILTIN_NAMES.join('|'), description: 'What to extract per video', defaultText: 'keyframes' },
    { name: 'num-frames', value: 'N', description: 'Frames per video for keyframes, evenly spaced', defaultText: String(DEFAULT_NUM_FRAMES) },
    { name: 'min-frames', value: 'N', description: 'Fewest frames per video for adaptive', defaultText: String(DEFAULT_ADAPTIVE_FRAMES.minFrames) },
    { name: 'max-frames', value: 'N', description: 'Most frames per video for adaptive, and for fps (its first N times)', defaultText: `${DEFAULT_ADAPTIVE_FRAMES.maxFrames} for adaptive, no limit for fps` },
    { name: 'fps', value: 'R', description: 'With --fn fps: frames per second of video time (> 0, need not be whole); the frame shown every 1/R s', defaultText: 'none: required by --fn fps' },
    { name: 'threshold', value: 'T', description: 'With --fn scenes: a cut where the frame-difference score (0..1, scdet\'s rule on 64 px luma) reaches T', defaultText: String(DEFAULT_SCENE_THRESHOLD) },
    { name: 'max-scenes', value: 'N', description: 'With --fn scenes: at most N shots, the strongest cuts kept', defaultText: 'every cut' },
    { name: 'size', value: 'PX', description: 'Shorter side of the written JPEGs, aspect kept', defaultText: 'the video\'s own size' },
    { name: 'width', value: 'W', description: 'With --height and --fit, instead of --size: the JPEGs\' width (even)', defaultText: 'none' },
    { name: 'height', value: 'H', description: 'With --width and --fit: the JPEGs\' height (even)', defaultText: 'none' },
    { name: 'interpolation', value: INTERPOLATIONS.join('|'), description: 'How --size or --width/--height resample the frames', defaultText: DEFAULT_INTERPOLATION },
    { name: 'fit', value: RESIZE_FITS.join('|'), description: 'With --width and --height: scale to W x H (stretch), fill and centre-crop (cover), or fit and pad with black (contain)', defaultText: 'none: required with --width/--height' },
    { name: 'out', value: 'DIR', description: 'Where processing_results.json, .parquet, processing_stats.json and the frames go', defaultText: 'none: only the stats are printed' },
    { name: 'format', value: OUTPUT_FORMATS.join('|'), description: 'Frames as JPEG folders per video (files) or as WebDataset tar shards in DIR/shards/ (webdataset)', defaultText: DEFAULT_OUTPUT_FORMAT },
    { name: 'tar-max-mb', value: 'MB', description: 'With --format webdataset: a shard is closed before it grows past this', defaultText: String(DEFAULT_MAX_SHARD_BYTES / 2 ** 20) },
    { name: 'tar-max-samples', value: 'N', description: 'With --format webdataset: videos per shard, at most', defaultText: String(DEFAULT_MAX_SHARD_SAMPLES) },
    { name: 'checkpoint', value: 'FILE', description: 'The checkpoint', defaultText: '<csv folder>/<csv name>.vbk-checkpoint.json' },
    { name: 'workers', value: 'N', description: 'Decoding worker processes', defaultText: DEFAULT_WORKERS_TEXT },
    { name: 'device', value: DEVICE_CHOICES.join('|'), description: 'Where to decode; auto decodes a test clip on the GPU first and says why when it falls back to the CPU', defaultText: DEFAULT_DEVICE },
    { name: 'gpus', value: 'LIST', description: 'CUDA device ordinals to spread videos over, e.g. 0,1', defaultText: '0' },
    { name: 'backend', value: BACKEND_CHOICES.join('|'), description: 'FFmpeg\'s libraries in process (libav) or the ffmpeg program (ffmpeg)', defaultText: DEFAULT_BACKEND },
    { name: 'ffmpeg', value: 'PATH', description: 'The ffmpeg program of the ffmpeg backend', defaultText: '$FFMPEG_PATH, then ffmpeg on PATH' },
    NO_AUTOROTATE_FLAG,
    { name: 'save-interval', value: 'N', description: 'Rewrite the results file at most every N finished videos', defaultText: String(DEFAULT_SAVE_INTERVAL) },
    { name: 'timeout', value: 'SECONDS', description: 'Per-video limit; a video past it is failed (0: none)', defaultText: String(DEFAULT_TIMEOUT_SECONDS) },
    { name: 'shard', value: 'I/N|auto', description: 'Process only shard I of N (rows r with (r-1) mod N == I) into DIR/shard-I-of-N/; auto reads a Slurm array task or a Kubernetes Indexed Job index', defaultText: 'every row' },
    { name: 'shards', value: 'N', description: 'With --shard auto in a Kubernetes Indexed Job: the job\'s completions', defaultText: 'none' },
    { name: 'retry-failed', description: 'Process again the videos that failed in an earlier run of this checkpoint', defaultText: 'off' },
    { name: 'fresh', description: 'Move an existing checkpoint aside and start over instead of resuming', defaultText: 'off' },
  ],
  details: [
    'Run the same command again to resume after a crash, a kill or Ctrl-C: every finished video is in',
    'the checkpoint and is not processed again.',
    '',
    ...PROCESS_EXIT_CODES,
  ],
};

export interface ProcessCommand {
  csvPath: string;
  videoCol: string;
  idCol?: string;
  fn: BuiltinName;
  numFrames: number;
  minFrames: number;
  maxFrames: number;
  /** With `fn: 'fps'`: the sampling rate, and the --max-frames given (absent: no limit, unlike adaptive's default). */
  fps?: number;
  fpsMaxFrames?: number;
  /** With `fn: 'scenes'`: the cut threshold and the cap on shots given (absent: the built-in's defaults). */
  sceneThreshold?: number;
  maxScenes?: number;
  size?: number;
  /** --width, --height and --fit, all three. */
  resize?: ResizeRequest;
  /** Absent: the built-ins' default (bicubic). */
  interpolation?: Interpolation;
  outputDir?: string;
  outputFormat: OutputFormat;
  /** Absent: the shard writer's defaults. */
  maxShardBytes?: number;
  maxShardSamples?: number;
  checkpointPath?: string;
  /** Absent: the library's default. */
  workers?: number;
  /** Absent: the library's default (DecoderConfig's). */
  device?: DeviceChoice;
  gpuIds: number[];
  backend?: BackendChoice;
  ffmpegPath?: string;
  /** False with --no-autorotate; absent: the library's default (DecoderConfig's). */
  autorotate?: boolean;
  saveInterval: number;
  timeoutSeconds: number;
  retryFailed: boolean;
  fresh: boolean;
  shard?: ShardChoice;
}

export function wholeNumber(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${flag} takes a whole number >= ${min}, got '${text}'`);
  return value;
}

/** A finite number > 0, whole or not (a sampling rate). */
export function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} takes a number > 0, got '${text}'`);
  return value;
}

/** `--fps` and the limit of `--fn fps`: refused without --fn fps, so a mistyped --fn is not silently ignored. */
function fpsFlags(fn: BuiltinName, fps: string | undefined, maxFrames: string | undefined): Pick<ProcessCommand, 'fps' | 'fpsMaxFrames'> {
  if (fn !== 'fps') {
    if (fps !== undefined) throw new UsageError(`--fps applies to --fn fps only, not --fn ${fn}`);
    return {};
  }
  if (fps === undefined) throw new UsageError('--fn fps needs --fps R: the frames per second to sample');
  return { fps: positiveNumber('fps', fps), ...(maxFrames === undefined ? {} : { fpsMaxFrames: wholeNumber('max-frames', maxFrames, 1) }) };
}

/** `--threshold` and `--max-scenes`: refused without --fn scenes, like --fps without --fn fps. */
function sceneFlags(fn: BuiltinName, threshold: string | undefined, maxScenes: string | undefined): Pick<ProcessCommand, 'sceneThreshold' | 'maxScenes'> {
  if (fn !== 'scenes') {
    for (const [flag, value] of [['threshold', threshold], ['max-scenes', maxScenes]]) {
      if (value !== undefined) throw new UsageError(`--${flag} applies to --fn scenes only, not --fn ${fn}`);
    }
    return {};
  }
  const value = threshold === undefined ? undefined : positiveNumber('threshold', threshold);
  if (value !== undefined && value > 1) throw new UsageError(`--threshold takes a number in (0, 1], got '${threshold}'`);
  return {
    ...(value === undefined ? {} : { sceneThreshold: value }),
    ...(maxScenes === undefined ? {} : { maxScenes: wholeNumber('max-scenes', maxScenes, 1) }),
  };
}

/**
 * `--width --height --fit`: all three or none, so a command line always names its fit; refused with
 * --size, which sets the size another way.
 */
function resizeFlags(text: (name: string) => string | undefined): ResizeRequest | undefined {
  const given = ['width', 'height', 'fit'].filter((name) => text(name) !== undefined);
  if (!given.length) return undefined;
  if (text('size') !== undefined) throw new UsageError(`--size and --${given[0]} both set the frame size: give --size PX or --width W --height H --fit F`);
  if (given.length < 3) throw new UsageError('--width, --height and --fit go together: give all three');
  const side = (name: string) => {
    const value = wholeNumber(name, text(name)!, 2);
    if (value % 2) throw new UsageError(`--${name} takes an even number (4:2:0 JPEGs halve both sides), got '${text(name)}'`);
    return value;
  };
  return { width: side('width'), height: side('height'), fit: oneOf('fit', text('fit'), RESIZE_FITS)! };
}

/** `--gpus 0,1`: CUDA device ordinals; absent: device 0. */
export function gpuIdsOf(text: string | undefined): number[] {
  return (text ?? '0').split(',').map((id) => wholeNumber('gpus', id.trim(), 0));
}

export function oneOf<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${flag} takes one of ${allowed.join(', ')}; got '${text}'`);
  return text as T;
}

/** The command line of a command with `process`'s job flags: its values by flag name, and its positionals. */
export interface ParsedCommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandLine(spec: CommandSpec, argv: string[]): ParsedCommandLine | 'help' {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: parseArgsOptions(spec) });
  return values.help === true ? 'help' : { values: values as ParsedCommandLine['values'], positionals };
}

/** Parses `process`'s arguments (after the command name); `'help'` when --help was asked for. */
export function parseProcessArguments(argv: string[]): ProcessCommand | 'help' {
  const line = parseCommandLine(PROCESS_COMMAND, argv);
  return line === 'help' ? 'help' : jobCommandOf('process', line);
}

/** The job a command line describes: the CSV, its columns, the processing, where it goes (`process`'s flags, and `submit`'s). */
export function jobCommandOf(commandName: string, { values, positionals }: ParsedCommandLine): ProcessCommand {
  const text = (name: string) => values[name] as string | undefined;
  const flag = (name: string) => values[name] === true;
  const [csvPath, ...extra] = positionals;
  if (!csvPath) throw new UsageError(`${commandName} needs the CSV file`);
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoCol = text('video-col');
  if (!videoCol) throw new UsageError('--video-col is required: the column that holds the video paths');
  const number = (name: string, fallback: number, min: number) => (text(name) === undefined ? fallback : wholeNumber(name, text(name)!, min));
  const workers = text('workers');
  const size = text('size');
  const outputFormat = oneOf('format', text('format'), OUTPUT_FORMATS) ?? DEFAULT_OUTPUT_FORMAT;
  if (outputFormat === 'webdataset' && text('out') === undefined) throw new UsageError('--format webdataset writes tar shards into the output folder: give --out DIR');
  const shard = parseShardFlag(text('shard'), text('shards'), process.env);
  if (shard && text('out') === undefined) throw new UsageError('--shard writes into the output folder the shards of a job share: give --out DIR');
  if (shard && text('checkpoint') !== undefined) throw new UsageError('--shard keeps its checkpoint in its own folder under --out, where status, merge and a re-run on another machine find it: leave out --checkpoint');
  const tarMaxMb = text('tar-max-mb');
  const tarMaxSamples = text('tar-max-samples');
  const fn = oneOf('fn', text('fn'), BUILTIN_NAMES) ?? 'keyframes';
  return {
    csvPath,
    videoCol,
    idCol: text('id-col'),
    fn,
    numFrames: number('num-frames', DEFAULT_NUM_FRAMES, 1),
    minFrames: number('min-frames', DEFAULT_ADAPTIVE_FRAMES.minFrames, 1),
    maxFrames: number('max-frames', DEFAULT_ADAPTIVE_FRAMES.maxFrames, 1),
    ...fpsFlags(fn, text('fps'), text('max-frames')),
    ...sceneFlags(fn, text('threshold'), text('max-scenes')),
    size: size === undefined ? undefined : wholeNumber('size', size, 2),
    ...withResize(resizeFlags(text)),
    ...interpolationFlag(text('interpolation')),
    outputDir: text('out'),
    outputFormat,
    ...(tarMaxMb === undefined ? {} : { maxShardBytes: wholeNumber('tar-max-mb', tarMaxMb, 1) * 2 ** 20 }),
    ...(tarMaxSamples === undefined ? {} : { maxShardSamples: wholeNumber('tar-max-samples', tarMaxSamples, 1) }),
    checkpointPath: text('checkpoint'),
    workers: workers === undefined ? undefined : wholeNumber('workers', workers, 1),
    device: oneOf('device', text('device'), DEVICE_CHOICES),
    gpuIds: gpuIdsOf(text('gpus')),
    backend: oneOf('backend', text('backend'), BACKEND_CHOICES),
    ffmpegPath: text('ffmpeg'),
    ...(flag('no-autorotate') ? { autorotate: false } : {}),
    saveInterval: number('save-interval', DEFAULT_SAVE_INTERVAL, 1),
    timeoutSeconds: number('timeout', DEFAULT_TIMEOUT_SECONDS, 0),
    retryFailed: flag('retry-failed'),
    fresh: flag('fresh'),
    ...(shard ? { shard } : {}),
  };
}

function withResize(resize: ResizeRequest | undefined): { resize?: ResizeRequest } {
  return resize ? { resize } : {};
}

function interpolationFlag(text: string | undefined): { interpolation?: Interpolation } {
  const interpolation = oneOf('interpolation', text, INTERPOLATIONS);
  return interpolation ? { interpolation } : {};
}

/** The frame shape a command line asks of a built-in beside --size: the resize box and the interpolation. */
function shapeOf(command: ProcessCommand): { resize?: ResizeRequest; interpolation?: Interpolation } {
  return { ...withResize(command.resize), ...(command.interpolation ? { interpolation: command.interpolation } : {}) };
}

/** The built-in a command line names, with its options. */
export function processFnOf(command: ProcessCommand): BuiltinProcessFn {
  switch (command.fn) {
    case 'keyframes':
      return builtins.keyframes({ numFrames: command.numFrames, size: command.size, ...shapeOf(command) });
    case 'metadata':
      return builtins.metadata();
    case 'adaptive':
      return builtins.adaptive({ minFrames: command.minFrames, maxFrames: command.maxFrames, size: command.size, ...shapeOf(command) });
    case 'fps':
      return builtins.fps({ fps: command.fps!, ...(command.fpsMaxFrames === undefined ? {} : { maxFrames: command.fpsMaxFrames }), size: command.size, ...shapeOf(command) });
    case 'scenes':
      return builtins.scenes({
        ...(command.sceneThreshold === undefined ? {} : { threshold: command.sceneThreshold }),
        ...(command.maxScenes === undefined ? {} : { maxScenes: command.maxScenes }),
        size: command.size,
        ...shapeOf(command),
      });
  }
}
