import { runProgram } from '../../runProgram';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DecodeDevice, FrameRequest, VideoFrame, VideoMetadata } from '../../video/videoTypes';
import type { FrameGeometry } from '../../video/resizeGeometry';
import { validateIndices } from '../frameIndices';
import { DEFAULT_JPEG_QUALITY, jpegFileName, jpegQscale } from '../jpegFiles';
import { errorText } from '../../errorText';
import type { OpenedVideoSource, SourceOptions } from '../sourceOptions';
import { describeVideo, frameTimestamp, frameTimestamps, requestGeometry, type PacketSummary } from '../videoDescription';
import { readPacketSummary } from '../libav/videoStream';
import { extractionInvocation, fitsConcatScript, packetProbeArgs } from './ffmpegArguments';
import { resolveFfmpegBinary, type FfmpegBinary } from './ffmpegBinary';
import { ffmpegDecodeDevice } from './ffmpegDecodeDevice';
import { isNetworkUrl, networkFailure, networkTimeoutOf } from '../networkInput';
import { cheapestSeekPlan, wholeFilePlan, type SeekPlan } from './seekPlan';


interface ProbedPacket {
  pts?: number;
  dts?: number;
  duration?: number;
  size?: string | number;
  flags?: string;
}

interface ProbeOutput {
  packets?: ProbedPacket[];
  streams?: ProbedStream[];
  format?: { bit_rate?: string };
}

interface ProbedStream {
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  time_base?: string;
  /** "num:den", "0:1" or "N/A". */
  sample_aspect_ratio?: string;
  /** `displaymatrix`: a hex dump, three rows of "index: entry entry entry". */
  side_data_list?: { displaymatrix?: string }[];
}

/** The display matrix from ffprobe's dump of it, when the stream has one. */
function probedDisplayMatrix(stream: ProbedStream): number[] | undefined {
  const dump = stream.side_data_list?.find((sideData) => sideData.displaymatrix)?.displaymatrix;
  const entries = (dump ?? '').split('\n').filter((row) => row.includes(':')).flatMap((row) => row.slice(row.indexOf(':') + 1).trim().split(/\s+/).map(Number));
  return entries.length === 9 && entries.every(Number.isInteger) ? entries : undefined;
}

function probedSampleAspectRatio(stream: ProbedStream): { num: number; den: number } {
  const [num, den] = (stream.sample_aspect_ratio ?? '').split(':').map(Number);
  return num > 0 && den > 0 ? { num, den } : { num: 0, den: 1 };
}

/** The packet summary from ffprobe's packet list; discarded packets (edit lists) are no frames. */
export async function probePackets(ffprobe: string, file: string, networkTimeoutS: number): Promise<PacketSummary> {
  const stdout = await runProgram(ffprobe, { args: packetProbeArgs(file, networkTimeoutS) }, `reading the packets of ${file}`);
  const probe = JSON.parse(stdout.toString('utf8')) as ProbeOutput;
  const stream = probe.streams?.[0];
  if (!stream) throw new Error(`no video stream in ${file}`);
  const frames = (probe.packets ?? [])
    .filter((packet) => !packet.flags?.includes('D'))
    .map((packet) => ({ pts: packet.pts ?? packet.dts ?? 0, key: packet.flags?.includes('K') ?? false, duration: packet.duration ?? 0, size: Number(packet.size ?? 0) }))
    .sort((a, b) => a.pts - b.pts);
  if (!frames.length) throw new Error(`no video frames in ${file}`);
  const [num, den] = (stream.time_base ?? '1/1').split('/').map(Number);
  return {
    pts: frames.map((frame) => frame.pts),
    lastDuration: frames[frames.length - 1].duration,
    timeBase: { num, den },
    keyframes: frames.flatMap((frame, index) => (frame.key ? [index] : [])),
    totalBytes: frames.reduce((sum, frame) => sum + frame.size, 0),
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    displayMatrix: probedDisplayMatrix(stream),
    sampleAspectRatio: probedSampleAspectRatio(stream),
    codec: stream.codec_name ?? 'unknown',
    pixFmt: stream.pix_fmt ?? 'unknown',
    bitRate: Number(probe.format?.bit_rate ?? 0),
  };
}

let jpegBatch = 0;

/** How many frames an ffmpeg run delivered: raw frames on stdout, or JPEGs of its batch. */
function countOutputFrames(stdout: Buffer, jpegDir: string | undefined, batch: string, size: { width: number; height: number }): number {
  if (!jpegDir) return Math.floor(stdout.length / (size.width * size.height * 3));
  return readdirSync(jpegDir).filter((name) => name.startsWith(batch)).length;
}

/** A video decoded by the ffmpeg program: one ffprobe for the index, one ffmpeg run per request. */
class FfmpegVideoSource implements OpenedVideoSource {
  /** Whether reading stretches through the concat demuxer is worth trying (until a seek misses). */
  private seekable: boolean;

  constructor(
    private readonly file: string,
    private readonly binary: FfmpegBinary,
    private readonly summary: PacketSummary,
    private readonly options: SourceOptions,
    readonly device: DecodeDevice,
  ) {
    // The concat demuxer would open a URL again without its protocol options: a URL is read in one pass.
    this.seekable = fitsConcatScript(file) && !isNetworkUrl(file);
  }

  async metadata(): Promise<VideoMetadata> {
    return describeVideo(this.summary, this.options.settings.autorotate);
  }

  async frameTimestamps(): Promise<number[]> {
    return frameTimestamps(this.summary);
  }

  async frames(indices: readonly number[], request: FrameRequest = {}): Promise<VideoFrame[]> {
    validateIndices(indices, this.summary.pts.length, this.file);
    const size = requestGeometry(this.summary, this.options.settings.autorotate, request);
    if (request.pixels === false && !request.jpegDir && !request.jpegBytes) return indices.map((index) => this.frameRecord(index, size));
    // The program writes JPEGs only as files: bytes without a folder go through a private one, removed after.
    const scratch = request.jpegBytes && !request.jpegDir ? mkdtempSync(path.join(os.tmpdir(), 'vbk-jpeg-')) : undefined;
    try {
      const found = await this.extract([...new Set(indices)].sort((a, b) => a - b), size, request, request.jpegDir ?? scratch);
      return indices.map((index) => ({ ...found.get(index)! }));
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** One ffmpeg run for the `wanted` frames (ascending, distinct), JPEGs into `jpegDir` when set. */
  private async extract(wanted: number[], size: FrameGeometry, request: FrameRequest, jpegDir: string | undefined): Promise<Map<number, VideoFrame>> {
    const pixels = request.pixels !== false;
    // image2 numbers its files 1..n; they are renamed to the frame's own name afterwards.
    const batch = `.vbk-${process.pid}-${jpegBatch++}-`;
    if (jpegDir) mkdirSync(jpegDir, { recursive: true });
    const plan = {
      file: this.file,
      geometry: size,
      pixels,
      jpegPattern: jpegDir ? path.join(jpegDir.replace(/%/g, '%%'), `${batch}%06d.jpg`) : undefined,
      jpegQscale: jpegQscale(request.jpegQuality ?? DEFAULT_JPEG_QUALITY),
      // Frame threads on NVDEC cost surfaces per thread, past its pool of 32: one on the GPU.
      threads: this.device === 'gpu' ? 1 : this.options.settings.threads,
      device: this.device,
      gpuId: this.options.gpuId,
      networkTimeoutS: networkTimeoutOf(this.options.settings),
    };
    const decodeWith = async (seek: SeekPlan) => {
      const stdout = await runProgram(this.binary.ffmpeg, extractionInvocation({ ...plan, seek }), `decoding ${this.file}`);
      return { stdout, complete: countOutputFrames(stdout, jpegDir, batch, size) >= wanted.length };
    };
    const { stdout } = await this.decodeSeekingFirst(wanted, decodeWith);
    const frameBytes = size.width * size.height * 3;
    if (pixels && stdout.length < frameBytes * wanted.length) {
      throw new Error(`decoding ${this.file}: ffmpeg gave ${Math.floor(stdout.length / frameBytes)} of ${wanted.length} frames (the file may be damaged)`);
    }
    const found = new Map<number, VideoFrame>();
    wanted.forEach((index, order) => {
      const frame = this.frameRecord(index, size);
      if (pixels) frame.data = new Uint8Array(stdout.subarray(order * frameBytes, (order + 1) * frameBytes));
      if (jpegDir) {
        const written = path.join(jpegDir, `${batch}${String(order + 1).padStart(6, '0')}.jpg`);
        if (request.jpegBytes) frame.jpeg = readFileSync(written);
        if (request.jpegDir) renameSync(written, (frame.jpegPath = path.join(jpegDir, jpegFileName(index))));
      }
      found.set(index, frame);
    });
    return found;
  }

  /**
   * Reads only the needed stretches; some demuxers seek less precisely than their index promises
   * (frames missing, or the seek itself failing), and then the whole file is read once instead.
   */
  private async decodeSeekingFirst(wanted: readonly number[], decodeWith: (seek: SeekPlan) => Promise<{ stdout: Buffer; complete: boolean }>): Promise<{ stdout: Buffer }> {
    const whole = wholeFilePlan(this.summary, wanted);
    const cheapest = cheapestSeekPlan(this.summary, wanted);
    if (!cheapest.entries || !this.seekable) return decodeWith(whole);
    try {
      const seeking = await decodeWith(cheapest);
      if (seeking.complete) return seeking;
      this.options.log?.(`seeking in ${this.file} missed frames; decoding it in one pass from now on`);
    } catch (error) {
      // A failure on the GPU is the GPU's, not the seek's: the video is retried on the CPU, once.
      if (this.device === 'gpu') throw error;
      this.options.log?.(`seeking in ${this.file} failed (${errorText(error)}); decoding it in one pass from now on`);
    }
    this.seekable = false;
    return decodeWith(whole);
  }

  async close(): Promise<void> {
    // Each request's ffmpeg has ended by the time it resolves: nothing stays open.
  }

  private frameRecord(index: number, size: { width: number; height: number }): VideoFrame {
    return { index, timestamp: frameTimestamp(this.summary, index), width: size.width, height: size.height };
  }
}

/**
 * The packet summary, read in process by libavformat when it knows the container (a few
 * milliseconds, where starting ffprobe alone costs ~125 ms per video), else by the user's ffprobe.
 * Only demuxing happens here: decoding stays with the configured ffmpeg.
 */
async function packetSummary(binary: FfmpegBinary, file: string, networkTimeoutS: number): Promise<PacketSummary> {
  const started = performance.now();
  try {
    return readPacketSummary(file, networkTimeoutS);
  } catch (error) {
    // ffprobe would wait on the same unreachable or stalled server again (a stall shows as a cut
    // file, "moov atom not found", after the whole timeout).
    const slow = performance.now() - started >= networkTimeoutS * 1000;
    if (isNetworkUrl(file) && networkFailure(errorText(error), file, networkTimeoutS, slow)) throw error;
    if (binary.ffprobe) return probePackets(binary.ffprobe, file, networkTimeoutS);
    throw new Error(`${errorText(error)} (and there is no ffprobe beside ${binary.ffmpeg} or on PATH to try instead)`, { cause: error });
  }
}

/** Opens a video with the ffmpeg program (`backend: 'ffmpeg'`). */
export async function openFfmpegSource(file: string, options: SourceOptions, device: DecodeDevice): Promise<OpenedVideoSource> {
  const binary = resolveFfmpegBinary(options.settings.ffmpegPath);
  const summary = await packetSummary(binary, file, networkTimeoutOf(options.settings));
  const decodesOn = device === 'gpu' ? await ffmpegDecodeDevice(binary.ffmpeg, file, summary, options) : device;
  return new FfmpegVideoSource(file, binary, summary, options, decodesOn);
}
