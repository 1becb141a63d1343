import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDeviceContext, deviceCreationOptions } from '../../kernel/src/decode/libav/deviceContexts';
import { ffmpegHwaccels } from '../../kernel/src/decode/ffmpegCli/ffmpegHardwareCheck';
import { errorText } from '../../kernel/src/errorText';
import { findOnPath } from '../../kernel/src/pathLookup';

const run = promisify(execFile);
const CONTEXT_ROUNDS = 3;

/** Milliseconds to create (and free) a CUDA device context on device 0, with and without the primary context. */
export interface ContextTimings {
  primaryContextMs?: number[];
  ownContextMs?: number[];
  error?: string;
}

export function timeContextCreation(): ContextTimings {
  const time = (primary: boolean): number[] =>
    Array.from({ length: CONTEXT_ROUNDS }, () => {
      const started = performance.now();
      createDeviceContext('cuda', '0', deviceCreationOptions('cuda', primary)).free();
      return Math.round(performance.now() - started);
    });
  try {
    return { primaryContextMs: time(true), ownContextMs: time(false) };
  } catch (error) {
    return { error: errorText(error) };
  }
}

/** FFmpeg's own frames/s for a clip, on CUDA and in software, where the machine has an ffmpeg that lists cuda. */
export interface FfmpegSpeed {
  clip: string;
  cudaFramesPerSecond?: number;
  cpuFramesPerSecond?: number;
  error?: string;
}

/** Why there is no ffmpeg comparison here, or the ffmpeg program to compare with. */
export async function comparisonFfmpeg(): Promise<{ ffmpeg: string } | { skipped: string }> {
  const ffmpeg = findOnPath('ffmpeg');
  if (!ffmpeg) return { skipped: 'no ffmpeg on PATH' };
  try {
    const methods = await ffmpegHwaccels(ffmpeg);
    return methods.includes('cuda') ? { ffmpeg } : { skipped: `${ffmpeg} has no cuda hwaccel (${methods.join(', ')})` };
  } catch (error) {
    return { skipped: errorText(error) };
  }
}

async function framesPerSecond(ffmpeg: string, args: string[], frames: number): Promise<number> {
  const started = performance.now();
  await run(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args, '-f', 'null', '-']);
  return Math.round(frames / ((performance.now() - started) / 1000));
}

/** `ffmpeg -hwaccel cuda -i clip -f null -` against the same without the hardware. */
export async function ffmpegSpeed(ffmpeg: string, clip: string, frames: number): Promise<FfmpegSpeed> {
  try {
    return {
      clip,
      cudaFramesPerSecond: await framesPerSecond(ffmpeg, ['-hwaccel', 'cuda', '-hwaccel_output_format', 'cuda', '-i', `file:${clip}`], frames),
      cpuFramesPerSecond: await framesPerSecond(ffmpeg, ['-threads', '1', '-i', `file:${clip}`], frames),
    };
  } catch (error) {
    return { clip, error: errorText(error) };
  }
}
