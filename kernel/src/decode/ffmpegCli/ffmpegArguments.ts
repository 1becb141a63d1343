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

/** One stretch of the video that one ffmpeg input reads: from a keyframe to the last wanted frame after it. */
export interface InputSegment {
  /** Stream time to seek to (just after the keyframe, so the seek lands on it); none: read from the start. */
  seekSeconds?: number;
  /** How long to read from there; none: to the end. */
  durationSeconds?: number;
  /** Presentation timestamps (stream time base) of the wanted frames in this stretch, ascending. */
  pts: number[];
}

export interface ExtractionPlan {
  file: string;
  segments: InputSegment[];
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
 * One ffmpeg run with one input per needed GOP: each input seeks to its keyframe and reads only up
 * to its last wanted frame, so the stretches between GOPs are never decoded (the naive single pass
 * decodes everything). Frames are picked by their exact presentation timestamp (`-copyts` keeps
 * the stream's own), then concatenated in order, scaled, and written as raw RGB and/or JPEGs.
 */
export function extractionArgs(plan: ExtractionPlan): string[] {
  const inputs = plan.segments.flatMap((segment) => [
    '-threads', String(plan.threads), ...decodeDeviceArgs(plan.device, plan.gpuId),
    '-copyts',
    ...(segment.seekSeconds === undefined ? [] : ['-noaccurate_seek', '-seek_timestamp', '1', '-ss', segment.seekSeconds.toFixed(6)]),
    ...(segment.durationSeconds === undefined ? [] : ['-t', segment.durationSeconds.toFixed(6)]),
    '-i', fileUrl(plan.file),
  ]);
  const selects = plan.segments.map((segment, i) => `[${i}:v:0]select='${segment.pts.map((pts) => `eq(pts\\,${pts})`).join('+')}'[s${i}]`);
  const joined = plan.segments.length > 1 ? `${plan.segments.map((_, i) => `[s${i}]`).join('')}concat=n=${plan.segments.length}:v=1:a=0,` : '[s0]';
  const outputs = (plan.pixels ? 1 : 0) + (plan.jpegPattern ? 1 : 0);
  const labels = ['[rgb]', '[jpeg]'].slice(plan.pixels ? 0 : 1, plan.pixels ? outputs : 2);
  const graph = [...selects, `${joined}scale=${plan.width}:${plan.height}:flags=bicubic${outputs > 1 ? `,split=2${labels.join('')}` : labels[0]}`].join(';');
  const frameCount = plan.segments.reduce((sum, segment) => sum + segment.pts.length, 0);
  const frameLimit = ['-frames:v', String(frameCount), '-fps_mode', 'passthrough'];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...inputs, '-filter_complex', graph];
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
