import * as path from 'node:path';
import { runProgram } from '../../kernel/src/runProgram';
import { generateVideo } from '../../samples/videoGenerator';

/** Runs Debian's ffmpeg (argument array, no shell): it writes the formats node-av's encoders lack. */
export async function debianFfmpeg(args: string[]): Promise<Buffer> {
  return runProgram('ffmpeg', { args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args] }, `running ffmpeg ${args.join(' ')}`);
}

/** Ordinary files that real datasets hold and that the two backends once read differently. */
export interface OddFiles {
  /** DV in its raw container, AVI and QuickTime: 60 frames of 720x480 at 30000/1001 fps. */
  dv: string[];
  /** Two H.264 streams, the second marked default: 96x64 (20 frames) then 64x48 (30 frames, chosen). */
  twoStreams: string;
  /** The 96x64 video, then a PNG cover as an attached picture. */
  videoWithCover: string;
  /** An MP3 whose only picture is its cover. */
  songWithCover: string;
  /** One stamped frame. */
  oneFrame: string;
}

export const DV_FRAMES = 60;

export async function writeOddFiles(dir: string): Promise<OddFiles> {
  const at = (name: string) => path.join(dir, name);
  const dv = ['dv.dv', 'dv.avi', 'dv.mov'].map(at);
  for (const file of dv) {
    await debianFfmpeg(['-f', 'lavfi', '-i', 'testsrc=size=720x480:rate=30000/1001', '-t', '2', '-c:v', 'dvvideo', '-pix_fmt', 'yuv411p', `file:${file}`]);
  }
  await generateVideo({ path: at('first.mp4'), codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 20, gop: 10 });
  await generateVideo({ path: at('second.mp4'), codec: 'h264', width: 64, height: 48, fps: 25, frameCount: 30, gop: 10 });
  await debianFfmpeg([
    '-i', `file:${at('first.mp4')}`, '-i', `file:${at('second.mp4')}`, '-map', '0:v', '-map', '1:v',
    '-disposition:v:0', '0', '-disposition:v:1', 'default', '-c', 'copy', `file:${at('two.mp4')}`,
  ]);
  await debianFfmpeg(['-f', 'lavfi', '-i', 'color=c=red:size=64x64', '-frames:v', '1', `file:${at('cover.png')}`]);
  await debianFfmpeg([
    '-i', `file:${at('first.mp4')}`, '-i', `file:${at('cover.png')}`, '-map', '0', '-map', '1',
    '-c:v:0', 'copy', '-c:v:1', 'png', '-disposition:v:1', 'attached_pic', `file:${at('with-cover.mp4')}`,
  ]);
  // -t before -i: the sine source is endless, the limit belongs to it.
  await debianFfmpeg([
    '-f', 'lavfi', '-t', '1', '-i', 'sine', '-i', `file:${at('cover.png')}`, '-map', '0', '-map', '1',
    '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', '-id3v2_version', '3', `file:${at('song.mp3')}`,
  ]);
  await generateVideo({ path: at('one-frame.mp4'), codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 1, gop: 1 });
  return { dv, twoStreams: at('two.mp4'), videoWithCover: at('with-cover.mp4'), songWithCover: at('song.mp3'), oneFrame: at('one-frame.mp4') };
}

/** Every frame of stream `streamIndex` as Debian's ffmpeg decodes it, scaled as the backends scale, in RGB24. */
export async function debianFrames(file: string, streamIndex: number, width: number, height: number): Promise<Uint8Array[]> {
  const raw = await debianFfmpeg([
    '-i', `file:${file}`, '-map', `0:${streamIndex}`, '-vf', `scale=${width}:${height}:flags=bicubic`,
    '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ]);
  const frameBytes = width * height * 3;
  return Array.from({ length: Math.floor(raw.length / frameBytes) }, (_, index) => new Uint8Array(raw.subarray(index * frameBytes, (index + 1) * frameBytes)));
}
