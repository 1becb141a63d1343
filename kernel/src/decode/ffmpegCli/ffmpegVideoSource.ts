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
import { describeVideo, frameTimestamp, frameTimestamps, requestGeometry, type IndexedStream, type PacketSummary } from '../videoDescription';
import { readPacketSummary } from '../libav/videoStream';
import { UnindexableVideoError } from '../libav/packetIndex';
import { extractionInvocation, fitsConcatScript } from './ffmpegArguments';
import { probePackets } from './ffprobeIndex';
import { shortfallError } from './missingFrames';
import { resolveFfmpegBinary, type FfmpegBinary } from './ffmpegBinary';
import { ffmpegDecodeDevice } from './ffmpegDecodeDevice';
import { isNetworkUrl, NetworkInputError, networkTimeoutOf, readingUrl } from '../networkInput';
import { cheapestSeekPlan, wholeFilePlan, type SeekPlan } from './seekPlan';


let jpegBatch = 0;

/** What one ffmpeg run gave: its raw frames, and how many frames every output got. */
interface DecodedRun {
  stdout: Buffer;
  delivered: number;
}

/** The JPEGs an ffmpeg run wrote for its batch. */
function batchFiles(jpegDir: string, batch: string): string[] {
  return readdirSync(jpegDir).filter((name) => name.startsWith(batch));
}

/** How many frames an ffmpeg run delivered to every output it had: raw frames on stdout, JPEGs of its batch. */
function countOutputFrames(stdout: Buffer, pixels: boolean, jpegDir: string | undefined, batch: string, size: { width: number; height: number }): number {
  const raw = pixels ? Math.floor(stdout.length / (size.width * size.height * 3)) : Infinity;
  return Math.min(raw, jpegDir ? batchFiles(jpegDir, batch).length : Infinity);
}

/** A video decoded by the ffmpeg program: one ffprobe for the index, one ffmpeg run per request. */
class FfmpegVideoSource implements OpenedVideoSource {
  /** Whether reading stretches through the concat demuxer is worth trying (until a seek misses). */
  private seekable: boolean;

  private readonly summary: PacketSummary;
  private readonly streamIndex: number;

  constructor(
    private readonly file: string,
    private readonly binary: FfmpegBinary,
    indexed: IndexedStream,
    private readonly options: SourceOptions,
    readonly device: DecodeDevice,
  ) {
    this.summary = indexed.summary;
    this.streamIndex = indexed.streamIndex;
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
      streamIndex: this.streamIndex,
      geometry: size,
      pixels,
      jpegPattern: jpegDir ? path.join(jpegDir.replace(/%/g, '%%'), `${batch}%06d.jpg`) : undefined,
      jpegQscale: jpegQscale(request.jpegQuality ?? DEFAULT_JPEG_QUALITY),
      // Frame threads on NVDEC cost surfaces per thread, past its pool of 32: one on the GPU.
      threads: this.device === 'gpu' ? 1 : this.options.settings.threads,
      device: this.device,
      gpuId: this.options.gpuId,
      hardwareDeviceType: this.options.hardwareDeviceType,
      networkTimeoutS: networkTimeoutOf(this.options.settings),
    };
    const decodeWith = async (seek: SeekPlan) => {
      const stdout = await runProgram(this.binary.ffmpeg, extractionInvocation({ ...plan, seek }), `decoding ${this.file}`);
      return { stdout, delivered: countOutputFrames(stdout, pixels, jpegDir, batch, size) };
    };
    const { stdout, delivered } = await this.decodeSeekingFirst(wanted, decodeWith);
    if (delivered < wanted.length) {
      if (jpegDir) for (const name of batchFiles(jpegDir, batch)) rmSync(path.join(jpegDir, name), { force: true });
      throw await shortfallError(this.binary.ffmpeg, this.file, this.streamIndex, this.summary, wanted, delivered, plan.networkTimeoutS);
    }
    const frameBytes = size.width * size.height * 3;
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
  private async decodeSeekingFirst(wanted: readonly number[], decodeWith: (seek: SeekPlan) => Promise<DecodedRun>): Promise<DecodedRun> {
    const whole = wholeFilePlan(this.summary, wanted);
    const cheapest = cheapestSeekPlan(this.summary, wanted);
    if (!cheapest.entries || !this.seekable) return decodeWith(whole);
    try {
      const seeking = await decodeWith(cheapest);
      if (seeking.delivered >= wanted.length) return seeking;
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
async function packetSummary(binary: FfmpegBinary, file: string, networkTimeoutS: number): Promise<IndexedStream> {
  try {
    return await readingUrl(file, networkTimeoutS, true, async () => readPacketSummary(file, networkTimeoutS));
  } catch (error) {
    // ffprobe would wait on the same unreachable or stalled server again (a stall shows as a cut
    // file, "moov atom not found", after the whole timeout), or find no more frames.
    if (error instanceof NetworkInputError || error instanceof UnindexableVideoError) throw error;
    if (binary.ffprobe) return probePackets(binary.ffprobe, file, networkTimeoutS);
    throw new Error(`${errorText(error)} (and there is no ffprobe beside ${binary.ffmpeg} or on PATH to try instead)`, { cause: error });
  }
}

/** Opens a video with the ffmpeg program (`backend: 'ffmpeg'`). */
export async function openFfmpegSource(file: string, options: SourceOptions, device: DecodeDevice): Promise<OpenedVideoSource> {
  const binary = resolveFfmpegBinary(options.settings.ffmpegPath);
  const indexed = await packetSummary(binary, file, networkTimeoutOf(options.settings));
  const decodesOn = device === 'gpu' ? await ffmpegDecodeDevice(binary.ffmpeg, file, indexed, options) : device;
  return new FfmpegVideoSource(file, binary, indexed, options, decodesOn);
}
