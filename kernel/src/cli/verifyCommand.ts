import {
  BACKEND_CHOICES, DEFAULT_BACKEND, DEFAULT_DEVICE, DEVICE_CHOICES, type BackendChoice, type DeviceChoice,
} from '../config/decoderConfig';
import { DEFAULT_NUM_FRAMES } from '../processingDefaults';
import { CONVERTED } from '../verify/frameComparison';
import { DEFAULT_RANDOM_FRAMES, DEFAULT_VERIFY_SAMPLE } from '../verify/verifyDefaults';
import { gpuIdsOf, NO_AUTOROTATE_FLAG, oneOf, parseCommandLine, wholeNumber } from './cliArguments';
import { UsageError, type CommandSpec } from './cliFlags';
import { EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_FRAMES_DIFFER, EXIT_OK } from './exitCodes';

export const VERIFY_COMMAND: CommandSpec = {
  name: 'verify',
  positionals: '<csv>',
  summary: "Spot-checks frame accuracy on your data: re-decodes a random sample of the CSV's videos front to back and reports every chosen frame the engine returns differently.",
  flags: [
    { name: 'video-col', value: 'NAME', description: 'The column holding the video paths (required; relative paths resolve against the CSV\'s folder)' },
    { name: 'id-col', value: 'NAME', description: 'The column holding the ids', defaultText: 'the row number' },
    { name: 'sample', value: 'N', description: 'Videos to check, drawn at random in one pass over the CSV', defaultText: String(DEFAULT_VERIFY_SAMPLE) },
    { name: 'frames', value: 'K', description: 'Evenly spaced frames per video, the ones --fn keyframes --num-frames K extracts', defaultText: String(DEFAULT_NUM_FRAMES) },
    { name: 'random-frames', value: 'R', description: 'Frames per video at random beyond those', defaultText: String(DEFAULT_RANDOM_FRAMES) },
    { name: 'seed', value: 'S', description: 'Fixes which videos and frames are drawn (a whole number); the one used is printed', defaultText: 'a new one each run' },
    { name: 'size', value: 'PX', description: 'Compare with the shorter side scaled to PX, aspect kept', defaultText: 'the video\'s own size' },
    NO_AUTOROTATE_FLAG,
    { name: 'backend', value: BACKEND_CHOICES.join('|'), description: 'The engine backend to check', defaultText: DEFAULT_BACKEND },
    { name: 'device', value: DEVICE_CHOICES.join('|'), description: 'Where the engine decodes (the reference always decodes on the CPU)', defaultText: DEFAULT_DEVICE },
    { name: 'gpus', value: 'LIST', description: 'CUDA device ordinals to try, e.g. 0,1: the check decodes on the first that works', defaultText: '0' },
    { name: 'ffmpeg', value: 'PATH', description: 'The ffmpeg program of the ffmpeg backend', defaultText: '$FFMPEG_PATH, then ffmpeg on PATH' },
    { name: 'json', description: 'Print one JSON object instead of a line per video and a summary', defaultText: 'off' },
  ],
  details: [
    'Per video, the engine gives the chosen frames as a run does (frames(indices), seeking); the',
    'reference decodes the whole video front to back with a fresh decoder, no seeking, no skipping, and',
    'converts the same frames with the same scaler. The engine\'s frame count must equal the frames the',
    'reference decoded, and each frame must equal its reference: exactly with the libav backend on the',
    `CPU; within a mean difference of ${CONVERTED.mean} levels (of 255) with the ffmpeg backend or on a GPU, whose`,
    'colour conversion differs slightly.',
    '',
    'Exit codes:',
    `  ${EXIT_OK}  every checked video matches (videos that cannot be opened are listed, not counted as differing)`,
    `  ${EXIT_ENVIRONMENT}  the check itself failed (an unexpected error)`,
    `  ${EXIT_BAD_INPUT}  unusable input: a missing file or column (the message names what exists), a bad flag, or no video of the sample could be checked`,
    `  ${EXIT_FRAMES_DIFFER}  some checked video differs: a frame, or the frame count`,
  ],
};

export interface VerifyCommand {
  csvPath: string;
  videoCol: string;
  idCol?: string;
  sample: number;
  uniformFrames: number;
  randomFrames: number;
  /** Absent: a fresh seed, printed. */
  seed?: number;
  size?: number;
  /** False with --no-autorotate; absent: the library's default. */
  autorotate?: boolean;
  backend: BackendChoice;
  device: DeviceChoice;
  gpuIds: number[];
  ffmpegPath?: string;
  json: boolean;
}

/** Parses `verify`'s arguments (after the command name); `'help'` when --help was asked for. */
export function parseVerifyArguments(argv: string[]): VerifyCommand | 'help' {
  const line = parseCommandLine(VERIFY_COMMAND, argv);
  if (line === 'help') return 'help';
  const text = (name: string) => line.values[name] as string | undefined;
  const number = (name: string, fallback: number, min: number) => (text(name) === undefined ? fallback : wholeNumber(name, text(name)!, min));
  const [csvPath, ...extra] = line.positionals;
  if (!csvPath) throw new UsageError('verify needs the CSV file');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoCol = text('video-col');
  if (!videoCol) throw new UsageError('--video-col is required: the column that holds the video paths');
  const seed = text('seed') === undefined ? undefined : wholeNumber('seed', text('seed')!, 0);
  if (seed !== undefined && seed >= 2 ** 32) throw new UsageError(`--seed takes a whole number below 2^32, got '${text('seed')}'`);
  return {
    csvPath,
    videoCol,
    idCol: text('id-col'),
    sample: number('sample', DEFAULT_VERIFY_SAMPLE, 1),
    uniformFrames: number('frames', DEFAULT_NUM_FRAMES, 1),
    randomFrames: number('random-frames', DEFAULT_RANDOM_FRAMES, 0),
    ...(seed === undefined ? {} : { seed }),
    ...(text('size') === undefined ? {} : { size: wholeNumber('size', text('size')!, 2) }),
    ...(line.values['no-autorotate'] === true ? { autorotate: false } : {}),
    backend: oneOf('backend', text('backend'), BACKEND_CHOICES) ?? DEFAULT_BACKEND,
    device: oneOf('device', text('device'), DEVICE_CHOICES) ?? DEFAULT_DEVICE,
    gpuIds: gpuIdsOf(text('gpus')),
    ffmpegPath: text('ffmpeg'),
    json: line.values.json === true,
  };
}
