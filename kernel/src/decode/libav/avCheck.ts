import { FFmpegError } from 'node-av/lib';

/** FFmpeg's words for a negative return code. */
export function avErrorText(code: number): string {
  return FFmpegError.strerror(code);
}

/**
 * Throws `<failure> <file>: <FFmpeg's reason>` when `code` is negative; `failure` reads as the start
 * of that sentence ("cannot open", "cannot seek to frame 30 in").
 */
export function avCheck(code: number, failure: string, file: string): number {
  if (code < 0) throw new Error(`${failure} ${file}: ${avErrorText(code)}`);
  return code;
}
