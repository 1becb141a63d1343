import type { ProgramRun } from '../../runProgram';
import { storedScaleSize, type FrameGeometry } from '../../video/resizeGeometry';
import type { Orientation } from '../../video/pictureOrientation';
import type { DecodeDevice } from '../../video/videoTypes';
import type { HardwareDeviceType } from '../libav/hardwareTypes';
import type { ConcatEntry, SeekPlan } from './seekPlan';
import { isNetworkUrl, protocolArgs } from '../networkInput';
import { selectByOutputNumber, selectByTime } from './frameWindows';
import { filterChain, formatStep, JPEG_CODING, PLANAR_FIRST, scaleStep } from '../conversionFilters';

/**
 * A path as an ffmpeg input or output: `file:` makes it a file whatever it looks like (a name
 * starting with '-', or holding ':' that would otherwise read as a protocol).
 */
export function fileUrl(file: string): string {
  return `file:${file}`;
}

/** A video as ffmpeg's or ffprobe's input, after its options: a URL as it is, with the http protocol's options. */
export function videoInput(file: string, networkTimeoutS: number): string[] {
  return isNetworkUrl(file) ? [...protocolArgs(file, networkTimeoutS), '-i', file] : ['-i', fileUrl(file)];
}

/** Input options that choose the decoding device: the hardware of `type` (CUDA unless asked otherwise) on `gpu`. */
export function decodeDeviceArgs(device: DecodeDevice, gpuId: number, type: HardwareDeviceType = 'cuda'): string[] {
  return device === 'gpu' ? ['-hwaccel', type, '-hwaccel_device', String(gpuId)] : [];
}

/** Microseconds as the seconds an ffconcat directive reads (av_parse_time keeps all six decimals). */
function seconds(us: number): string {
  const sign = us < 0 ? '-' : '';
  const magnitude = Math.abs(us);
  return `${sign}${Math.floor(magnitude / 1_000_000)}.${String(magnitude % 1_000_000).padStart(6, '0')}`;
}

/** Whether a path can stand in an ffconcat script: the script is read line by line. */
export function fitsConcatScript(file: string): boolean {
  return !/[\r\n]/.test(file);
}

/**
 * The ffconcat script reading `file` once per entry. Inside single quotes everything is literal but
 * the quote itself, written as '\'' ; `file:` keeps a name like `-i.mp4` or `a:b.mp4` a file.
 */
export function concatScript(file: string, entries: readonly ConcatEntry[]): string {
  if (!fitsConcatScript(file)) throw new Error(`${JSON.stringify(file)}: a line break in the name cannot stand in an ffconcat script`);
  const quoted = `'${fileUrl(file).replace(/'/g, "'\\''")}'`;
  const lines = entries.flatMap((entry) => [
    `file ${quoted}`, `inpoint ${seconds(entry.inpointUs)}`, `outpoint ${seconds(entry.outpointUs)}`, `duration ${seconds(entry.durationUs)}`,
  ]);
  return ['ffconcat version 1.0', ...lines, ''].join('\n');
}

export interface ExtractionPlan {
  file: string;
  /** The video stream's absolute index (see chooseVideoStream): the same stream the index read. */
  streamIndex: number;
  seek: SeekPlan;
  geometry: FrameGeometry;
  pixels: boolean;
  /** image2 pattern for the JPEGs, or none. */
  jpegPattern?: string;
  jpegQscale: number;
  threads: number;
  device: DecodeDevice;
  gpuId: number;
  /** The hardware `gpu` decodes on (default CUDA). */
  hardwareDeviceType?: HardwareDeviceType;
  /** For a URL: seconds without data before a read fails. */
  networkTimeoutS: number;
}


/** The filters that turn a picture by `orientation` (see pictureOrientation.ts for the order). */
export function orientationFilters(orientation: Orientation): string[] {
  const { transpose, flipX, flipY } = orientation;
  if (transpose) return [`transpose=${flipX ? (flipY ? 'clock_flip' : 'clock') : flipY ? 'cclock' : 'cclock_flip'}`];
  return [...(flipX ? ['hflip'] : []), ...(flipY ? ['vflip'] : [])];
}

/**
 * The filters that give a frame the geometry's size, in the libav backend's order: the same
 * conversion to RGB at the stored picture's scale size (pinned there: with a JPEG output beside the
 * RGB one, format negotiation would otherwise convert to the JPEG's YUV first), the turn upright
 * (ffmpeg's own autorotation is off: it would turn before scaling), then the crop (cover) or black
 * pad (contain) at the offsets both backends share.
 */
export function geometryFilters(geometry: FrameGeometry): string {
  const stored = storedScaleSize(geometry);
  const toRgb = filterChain([PLANAR_FIRST, scaleStep(stored.width, stored.height, false, geometry.interpolation), formatStep('rgb24')]);
  const filters = [toRgb, ...(geometry.orientation ? orientationFilters(geometry.orientation) : [])];
  const { placement, width, height } = geometry;
  if (placement) filters.push(`${placement.kind}=${width}:${height}:${placement.x}:${placement.y}${placement.kind === 'pad' ? ':color=black' : ''}`);
  return filters.join(',');
}

/** After the geometry: the RGB picture to the raw output `[rgb]` and/or, coded as a JPEG's YUV, to `[jpeg]`. */
function outputBranches(pixels: boolean, jpeg: boolean): string {
  const jpegCoding = filterChain(JPEG_CODING);
  if (pixels && jpeg) return `,split=2[rgb][coded];[coded]${jpegCoding}[jpeg]`;
  return pixels ? '[rgb]' : `,${jpegCoding}[jpeg]`;
}

/**
 * One ffmpeg run, one decoder: the input is either the whole file or, through the concat demuxer,
 * only the stretches from each needed keyframe to its wanted frames (script on stdin). Frames are
 * picked by presentation time (`-copyts` keeps the stream's own clock) or, in file order, by
 * output number; converted the same way as in the libav backend, and written as raw RGB and/or
 * JPEGs.
 */
export function extractionInvocation(plan: ExtractionPlan): ProgramRun {
  const { entries, selectWindows, selectOutputNumbers } = plan.seek;
  // A script read from a pipe may open only what is whitelisted; its entries are files.
  const input = entries
    ? ['-protocol_whitelist', 'file,pipe', '-f', 'concat', '-safe', '0', '-i', 'pipe:0']
    : videoInput(plan.file, plan.networkTimeoutS);
  const select = selectOutputNumbers ? selectByOutputNumber(selectOutputNumbers) : selectByTime(selectWindows);
  const graph = `[0:${plan.streamIndex}]${select},${geometryFilters(plan.geometry)}${outputBranches(plan.pixels, plan.jpegPattern !== undefined)}`;
  const frameLimit = ['-frames:v', String(selectOutputNumbers?.length ?? selectWindows.length), '-fps_mode', 'passthrough'];
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-threads', String(plan.threads), ...decodeDeviceArgs(plan.device, plan.gpuId, plan.hardwareDeviceType), '-copyts', '-noautorotate', ...input,
    '-filter_complex', graph,
  ];
  if (plan.pixels) args.push('-map', '[rgb]', ...frameLimit, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  if (plan.jpegPattern) args.push('-map', '[jpeg]', ...frameLimit, '-q:v', String(plan.jpegQscale), '-f', 'image2', '-y', fileUrl(plan.jpegPattern));
  return { args, stdin: entries ? concatScript(plan.file, entries) : undefined };
}
