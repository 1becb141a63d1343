import { FFmpegError } from 'node-av/lib';

/** FFmpeg's words for a negative return code. */
export function avErrorText(code: number): string {
  return FFmpegError.strerror(code);
}

/** Throws an error naming the step, the file and FFmpeg's reason when `code` is negative. */
export function avCheck(code: number, step: string, file: string): number {
  if (code < 0) throw new Error(`${step} failed for ${file}: ${avErrorText(code)}`);
  return code;
}
