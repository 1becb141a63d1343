import * as path from 'node:path';
import { InputError } from '../../inputError';
import { findOnPath, isExecutable } from '../../pathLookup';

export type FfmpegSource = 'setting' | 'FFMPEG_PATH' | 'PATH';

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

function ffprobeBeside(ffmpeg: string): string | undefined {
  const candidate = path.join(path.dirname(ffmpeg), path.basename(ffmpeg).replace(/ffmpeg/i, 'ffprobe'));
  return candidate !== ffmpeg && isExecutable(candidate) ? candidate : undefined;
}

/**
 * The ffmpeg program for the CLI backend: the setting, then $FFMPEG_PATH, then ffmpeg on PATH. A
 * setting is taken as given: when it names no program, that is the error, rather than another ffmpeg
 * the user did not ask for. Otherwise the error says what was looked for and where.
 */
export function resolveFfmpegBinary(configured?: string, env: NodeJS.ProcessEnv = process.env): FfmpegBinary {
  const searchPath = env.PATH ?? '';
  const withProbe = (ffmpeg: string, source: FfmpegSource): FfmpegBinary => ({
    ffmpeg,
    ffprobe: ffprobeBeside(ffmpeg) ?? findOnPath('ffprobe', searchPath) ?? null,
    source,
  });
  if (configured) {
    if (!isExecutable(configured)) throw new FfmpegNotFoundError(`the ffmpeg setting names ${configured}, which is not an executable file`);
    return withProbe(configured, 'setting');
  }
  const tried: string[] = [];
  if (env.FFMPEG_PATH) {
    if (isExecutable(env.FFMPEG_PATH)) return withProbe(env.FFMPEG_PATH, 'FFMPEG_PATH');
    tried.push(`FFMPEG_PATH names ${env.FFMPEG_PATH}, which is not an executable file`);
  } else {
    tried.push('FFMPEG_PATH is not set');
  }
  const onPath = findOnPath('ffmpeg', searchPath);
  if (onPath) return withProbe(onPath, 'PATH');
  const dirs = searchPath.split(path.delimiter).filter(Boolean);
  tried.push(dirs.length ? `no executable ffmpeg in any PATH folder (${dirs.join(path.delimiter)})` : 'PATH is empty');
  throw new FfmpegNotFoundError(
    `no ffmpeg program found for the ffmpeg backend: ${tried.join('; ')}. Install one (Debian: apt-get install ffmpeg), set FFMPEG_PATH or the ffmpeg setting, or use the libav backend, which needs no program`,
  );
}
