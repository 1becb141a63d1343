/** The JPEGs both backends write: the same file name per frame, the same quality by default. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** JPEG quality when a request names none. */
export const DEFAULT_JPEG_QUALITY = 90;

/** The JPEG file of one frame. */
export function jpegFileName(index: number): string {
  return `frame_${String(index).padStart(6, '0')}.jpg`;
}

/** Writes frame `index`'s JPEG into `dir` under its own name; answers the path. */
export function writeJpegFile(dir: string, index: number, jpeg: Uint8Array): string {
  const jpegPath = path.join(dir, jpegFileName(index));
  writeFileSync(jpegPath, jpeg);
  return jpegPath;
}

/**
 * JPEG quality 1..100 to the MJPEG quantiser scale 2..31 that FFmpeg's `-q:v` uses (2 is best), so
 * both backends write JPEGs of the same quality. 90 maps to 5, about what image libraries write at 90.
 */
export function jpegQscale(quality: number): number {
  const clamped = Math.min(100, Math.max(1, quality));
  return Math.round(2 + ((100 - clamped) / 99) * 29);
}
