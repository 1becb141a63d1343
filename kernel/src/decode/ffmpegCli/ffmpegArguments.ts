import type { DecodeDevice } from '../../video/videoTypes';

/**
 * A path as an ffmpeg input or output: `file:` makes it a file whatever it looks like (a name
 * starting with '-', or holding ':' that would otherwise read as a protocol).
 */
export function fileUrl(file: string): string {
  return `file:${file}`;
}

/** Input options that choose the decoding device. */
export function decodeDeviceArgs(device: DecodeDevice, gpuId: number): string[] {
  return device === 'gpu' ? ['-hwaccel', 'cuda', '-hwaccel_device', String(gpuId)] : [];
}

export interface ExtractionPlan {
  file: string;
  /** Wanted frame numbers, ascending, unique. */
  frames: number[];
  width: number;
  height: number;
  pixels: boolean;
  /** image2 pattern for the JPEGs, or none. */
  jpegPattern?: string;
  jpegQscale: number;
  threads: number;
  device: DecodeDevice;
  gpuId: number;
}

/**
 * One ffmpeg run that decodes the video once, keeps the wanted frames (`select` on the frame number
 * n, which counts presented frames just as the packet index does), scales them, and stops after the
 * last one: raw RGB on stdout and/or JPEGs.
 */
export function extractionArgs(plan: ExtractionPlan): string[] {
  const select = `select='${plan.frames.map((n) => `eq(n\\,${n})`).join('+')}'`;
  const scale = `scale=${plan.width}:${plan.height}:flags=bicubic`;
  const outputs = (plan.pixels ? 1 : 0) + (plan.jpegPattern ? 1 : 0);
  const labels = ['[rgb]', '[jpeg]'].slice(plan.pixels ? 0 : 1, plan.pixels ? outputs : 2);
  const graph = `[0:v:0]${select},${scale}${outputs > 1 ? `,split=2${labels.join('')}` : labels[0]}`;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-threads', String(plan.threads), ...decodeDeviceArgs(plan.device, plan.gpuId), '-i', fileUrl(plan.file), '-filter_complex', graph];
  const frameLimit = ['-frames:v', String(plan.frames.length), '-fps_mode', 'passthrough'];
  if (plan.pixels) args.push('-map', '[rgb]', ...frameLimit, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  if (plan.jpegPattern) args.push('-map', '[jpeg]', ...frameLimit, '-q:v', String(plan.jpegQscale), '-f', 'image2', '-y', fileUrl(plan.jpegPattern));
  return args;
}

/** ffprobe's packet list of the first video stream: what the frame index is built from. */
export function packetProbeArgs(file: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-select_streams', 'v:0',
    '-show_entries', 'packet=pts,dts,duration,size,flags:stream=codec_name,width,height,pix_fmt,time_base:format=bit_rate',
    '-of', 'json', fileUrl(file),
  ];
}
