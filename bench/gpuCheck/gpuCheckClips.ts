import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One clip of the GPU check's set, made by Debian's ffmpeg (it has the AV1, 10-bit and ProRes encoders node-av lacks). */
export interface CheckClip {
  name: string;
  /** What NVDEC is expected to do with it: decode it, or refuse it (then FFmpeg decodes in software). */
  nvdec: 'decodes' | 'refuses' | 'decodes on Ampere and later';
  encoder: string;
  pixelFormat: string;
  width: number;
  height: number;
  extraArgs?: string[];
  extension?: string;
}

const FRAMES = 30;
const GOP = 10;
const HD = { width: 1920, height: 1080 };
const SD = { width: 640, height: 360 };

/** H.264/HEVC/VP9/AV1 at 8 and 10 bit, 640x360 and 1080p, the kinds NVDEC refuses, a full-range clip. */
export const CHECK_CLIPS: readonly CheckClip[] = [
  { name: 'h264-8bit-360p', nvdec: 'decodes', encoder: 'libx264', pixelFormat: 'yuv420p', ...SD },
  { name: 'h264-8bit-1080p', nvdec: 'decodes', encoder: 'libx264', pixelFormat: 'yuv420p', ...HD },
  { name: 'h264-10bit-360p', nvdec: 'refuses', encoder: 'libx264', pixelFormat: 'yuv420p10le', ...SD },
  { name: 'h264-444-360p', nvdec: 'refuses', encoder: 'libx264', pixelFormat: 'yuv444p', ...SD },
  { name: 'h264-422-360p', nvdec: 'refuses', encoder: 'libx264', pixelFormat: 'yuv422p', ...SD },
  { name: 'h264-160x96', nvdec: 'refuses', encoder: 'libx264', pixelFormat: 'yuv420p', width: 160, height: 96 },
  { name: 'h264-192x108', nvdec: 'refuses', encoder: 'libx264', pixelFormat: 'yuv420p', width: 192, height: 108 },
  { name: 'h264-full-range-360p', nvdec: 'decodes', encoder: 'libx264', pixelFormat: 'yuvj420p', ...SD, extraArgs: ['-color_range', 'pc'] },
  { name: 'hevc-8bit-360p', nvdec: 'decodes', encoder: 'libx265', pixelFormat: 'yuv420p', ...SD },
  { name: 'hevc-8bit-1080p', nvdec: 'decodes', encoder: 'libx265', pixelFormat: 'yuv420p', ...HD },
  { name: 'hevc-10bit-360p', nvdec: 'decodes', encoder: 'libx265', pixelFormat: 'yuv420p10le', ...SD },
  { name: 'hevc-10bit-1080p', nvdec: 'decodes', encoder: 'libx265', pixelFormat: 'yuv420p10le', ...HD },
  { name: 'hevc-422-10bit-360p', nvdec: 'refuses', encoder: 'libx265', pixelFormat: 'yuv422p10le', ...SD },
  { name: 'vp9-8bit-360p', nvdec: 'decodes', encoder: 'libvpx-vp9', pixelFormat: 'yuv420p', ...SD, extension: '.webm' },
  { name: 'vp9-8bit-1080p', nvdec: 'decodes', encoder: 'libvpx-vp9', pixelFormat: 'yuv420p', ...HD, extension: '.webm' },
  { name: 'vp9-10bit-360p', nvdec: 'decodes', encoder: 'libvpx-vp9', pixelFormat: 'yuv420p10le', ...SD, extension: '.webm' },
  { name: 'av1-8bit-360p', nvdec: 'decodes on Ampere and later', encoder: 'libsvtav1', pixelFormat: 'yuv420p', ...SD },
  { name: 'av1-8bit-1080p', nvdec: 'decodes on Ampere and later', encoder: 'libsvtav1', pixelFormat: 'yuv420p', ...HD },
  { name: 'av1-10bit-360p', nvdec: 'decodes on Ampere and later', encoder: 'libsvtav1', pixelFormat: 'yuv420p10le', ...SD },
  { name: 'prores-360p', nvdec: 'refuses', encoder: 'prores_ks', pixelFormat: 'yuv422p10le', ...SD, extension: '.mov' },
];

/** A quick set (the packer's own test): one clip NVDEC decodes, one it refuses. */
export const QUICK_CLIPS: readonly CheckClip[] = CHECK_CLIPS.filter((clip) => clip.name === 'h264-8bit-360p' || clip.name === 'h264-160x96');

function encoderArgs(clip: CheckClip): string[] {
  switch (clip.encoder) {
    case 'libx264':
      return ['-preset', 'superfast', '-bf', '2', '-x264-params', `scenecut=0:keyint=${GOP}:min-keyint=${GOP}`];
    case 'libx265':
      return ['-preset', 'ultrafast', '-x265-params', `log-level=error:scenecut=0:bframes=2:keyint=${GOP}:min-keyint=${GOP}`];
    case 'libvpx-vp9':
      return ['-deadline', 'realtime', '-cpu-used', '8', '-g', String(GOP)];
    case 'libsvtav1':
      return ['-preset', '12', '-g', String(GOP)];
    default:
      return [];
  }
}

/** The clip's file in `dir`. */
export function clipFile(dir: string, clip: CheckClip): string {
  return path.join(dir, `${clip.name}${clip.extension ?? '.mp4'}`);
}

/** Makes the clips in `dir` with `ffmpeg` (moving, textured test content, stamped with its time). */
export async function generateCheckClips(ffmpeg: string, dir: string, clips: readonly CheckClip[]): Promise<void> {
  for (const clip of clips) {
    const source = `testsrc2=size=${clip.width}x${clip.height}:rate=25:duration=${FRAMES / 25}`;
    await run(ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source,
      '-c:v', clip.encoder, ...encoderArgs(clip), '-pix_fmt', clip.pixelFormat, ...(clip.extraArgs ?? []),
      '-frames:v', String(FRAMES), clipFile(dir, clip),
    ]);
  }
}
