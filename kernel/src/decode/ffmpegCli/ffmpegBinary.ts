import { accessSync, constants, existsSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../inputError';

export type FfmpegSource = 'setting' | 'FFMPEG_PATH' | 'PATH' | 'ffmpeg-static';

export interface FfmpegBinary {
  ffmpeg: string;
  /**
   * ffprobe beside the chosen ffmpeg, else on PATH; null when neither has one (packets are then read
   * only in process, so containers libavformat here does not know cannot be opened).
   */
  ffprobe: string | null;
  source: FfmpegSource;
}

/** No usable ffmpeg program: the message says what was tried. */
export class FfmpegNotFoundError extends InputError {}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a program up on PATH the way a shell would, without a shell. */
export function findOnPath(program: string, searchPath = process.env.PATH ?? ''): string | undefined {
  const names = process.platform === 'win32' ? [`${program}.exe`, program] : [program];
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** ffmpeg-static is optional: its install step downloads a binary and fails offline, leaving none. */
function ffmpegStaticBinary(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binary = require('ffmpeg-static') as string | null;
    return binary && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function ffprobeBeside(ffmpeg: string): string | undefined {
  const candidate = path.join(path.dirname(ffmpeg), path.basename(ffmpeg).replace(/ffmpeg/i, 'ffprobe'));
  return candidate !== ffmpeg && isExecutable(candidate) ? candidate : undefined;
}

/**
 * The ffmpeg program for the CLI backend: the setting, then $FFMPEG_PATH, then ffmpeg on PATH, then
 * ffmpeg-static when its binary is really there. A setting is taken as given: when it names no
 * program, that is the error, rather than another ffmpeg the user did not ask for. Otherwise the
 * error lists what was tried.
 */
export function resolveFfmpegBinary(configured?: string, env: NodeJS.ProcessEnv = process.env): FfmpegBinary {
  if (configured) {
    if (!isExecutable(configured)) throw new FfmpegNotFoundError(`the ffmpeg setting names ${configured}, which is not an executable file`);
    return { ffmpeg: configured, ffprobe: ffprobeBeside(configured) ?? findOnPath('ffprobe', env.PATH ?? '') ?? null, source: 'setting' };
  }
  const candidates: [FfmpegSource, string | undefined][] = [
    ['FFMPEG_PATH', env.FFMPEG_PATH],
    ['PATH', findOnPath('ffmpeg', env.PATH ?? '')],
    ['ffmpeg-static', ffmpegStaticBinary()],
  ];
  const tried: string[] = [];
  for (const [source, candidate] of candidates) {
    if (!candidate) {
      tried.push(`${source}: not set`);
      continue;
    }
    if (!isExecutable(candidate)) {
      tried.push(`${source}: ${candidate} is not an executable file`);
      continue;
    }
    return { ffmpeg: candidate, ffprobe: ffprobeBeside(candidate) ?? findOnPath('ffprobe', env.PATH ?? '') ?? null, source };
  }
  throw new FfmpegNotFoundError(`no ffmpeg program found for the ffmpeg backend (${tried.join('; ')})`);
}
