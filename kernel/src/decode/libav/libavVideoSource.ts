import { mkdirSync } from 'node:fs';
import { Codec, CodecContext, FormatContext, Frame, Option, Packet, type HardwareDeviceContext } from 'node-av/lib';
import {
  AVDISCARD_DEFAULT, AVDISCARD_NONREF, AVERROR_EAGAIN, AVERROR_EOF, AVERROR_INVALIDDATA, AVSEEK_FLAG_BACKWARD,
} from 'node-av/constants';
import type { FrameRequest, VideoFrame, VideoMetadata, DecodeDevice } from '../../video/videoTypes';
import { outputSize } from '../../video/outputSize';
import type { OpenedVideoSource, SourceOptions } from '../sourceOptions';
import { avCheck, avErrorText } from './avCheck';
import { FrameOutputs } from './frameOutputs';
import { attachCudaDevice, cudaDecoderSetup, findCudaDecoder } from './hardwareDecoding';
import { keyframeAtOrBefore, NO_PTS, type PacketIndex } from './packetIndex';
import { openVideoStream } from './videoStream';
import { validateIndices } from '../frameIndices';
import { writeJpegFile } from '../jpegFiles';
import { describeVideo, frameTimestamp, type PacketSummary } from '../videoDescription';

/** A demuxer position to try for reaching a keyframe: the stream time to seek to. */
interface SeekPoint {
  keyframe: number;
  time: bigint;
}

/**
 * One video decoded in process with FFmpeg's libraries: one demuxer and one decoder for its
 * lifetime. Frame-exact and frugal: it seeks only when a keyframe lies between the decoder's position
 * and the next wanted frame (so each needed GOP prefix is decoded once), skips non-reference frames
 * that are not wanted, and converts only the wanted frames.
 */
export class LibavVideoSource implements OpenedVideoSource {
  private readonly input = new FormatContext();
  private readonly decoder = new CodecContext();
  private readonly packet = new Packet();
  private readonly decoded = new Frame();
  private readonly downloaded = new Frame();
  private hardwareDevice?: HardwareDeviceContext;
  private readonly streamIndex: number;
  private readonly index: PacketIndex;
  private readonly summary: PacketSummary;
  /** Index of the last frame the decoder put out since the last seek; -1: none yet. */
  private lastOutput = -1;
  /**
   * Frames whose packets went to the decoder with non-reference skipping on since the last seek: a
   * later request for one of them must seek back, as the decoder may have dropped it.
   */
  private readonly skippedSinceSeek = new Set<number>();
  /** Frames the decoder has put out since the source opened (what seeking and skipping save shows here). */
  private decodedFrames = 0;
  private decoderDrained = false;
  /** Set once seeking to a keyframe's pts landed after it and its dts did not (MPEG-TS). */
  private seeksByDts = false;
  /** FFmpeg's words for the last packet the decoder rejected, to say why a frame is missing. */
  private lastRejection?: string;
  private skipping = false;
  private closed = false;
  private readonly outputs: FrameOutputs;

  private constructor(
    private readonly file: string,
    options: SourceOptions,
    readonly device: DecodeDevice,
  ) {
    this.outputs = new FrameOutputs(file);
    this.packet.alloc();
    this.decoded.alloc();
    this.downloaded.alloc();
    try {
      const opened = openVideoStream(this.input, file);
      this.streamIndex = opened.streamIndex;
      this.index = opened.index;
      this.summary = opened.summary;
      const stream = this.input.streams[this.streamIndex];
      const parameters = stream.codecpar;
      const codecName = this.summary.codec;
      const cuda = device === 'gpu' ? cudaDecoderSetup(options.gpuId, codecName) : undefined;
      const codec = cuda ? findCudaDecoder(cuda) : Codec.findDecoder(parameters.codecId);
      if (!codec) throw new Error(`no decoder for codec '${codecName}' of ${file}`);
      this.decoder.allocContext3(codec);
      avCheck(this.decoder.parametersToContext(parameters), 'cannot configure the decoder for', file);
      this.decoder.pktTimebase = stream.timeBase;
      this.decoder.threadCount = options.settings.threads;
      if (cuda) this.hardwareDevice = attachCudaDevice(this.decoder, cuda);
      avCheck(this.decoder.open2Sync(codec, null), `cannot open the ${codecName} decoder for`, file);
    } catch (error) {
      this.release();
      throw error;
    }
  }

  static open(file: string, options: SourceOptions, device: DecodeDevice): LibavVideoSource {
    return new LibavVideoSource(file, options, device);
  }

  /** Frames decoded so far, wanted or not (skipped non-reference frames are not decoded, so not counted). */
  get decodedFrameCount(): number {
    return this.decodedFrames;
  }

  async metadata(): Promise<VideoMetadata> {
    return describeVideo(this.summary);
  }

  async frames(indices: readonly number[], request: FrameRequest = {}): Promise<VideoFrame[]> {
    if (this.closed) throw new Error(`${this.file} is closed`);
    const count = this.index.pts.length;
    validateIndices(indices, count, this.file);
    const wanted = [...new Set(indices)].sort((a, b) => a - b);
    const wantedPts = new Set(wanted.map((frame) => this.index.pts[frame]));
    const found = new Map<number, VideoFrame>();
    const size = outputSize(this.summary.width, this.summary.height, request.size);
    const jpegDir = request.jpegDir;
    if (jpegDir) mkdirSync(jpegDir, { recursive: true });
    for (const target of wanted) {
      if (found.has(target)) continue;
      const keyframe = keyframeAtOrBefore(this.index.keyframes, target);
      let seekPlan: Iterator<SeekPoint> | undefined;
      let seekedTo: SeekPoint | undefined;
      if (!this.canDecodeOnTo(target, keyframe)) {
        seekPlan = this.seekPoints(keyframe);
        seekedTo = this.seekTo(seekPlan.next());
      }
      while (!found.has(target)) {
        const firstAfterSeek = this.lastOutput < 0;
        const frame = this.nextFrame(wantedPts);
        if (firstAfterSeek && seekPlan && seekedTo && (frame === undefined || frame > seekedTo.keyframe)) {
          // The demuxer landed after the keyframe: frames between would be missing or decoded from
          // missing references. Try the next way back.
          const next = seekPlan.next();
          if (!next.done && next.value.keyframe === seekedTo.keyframe) this.seeksByDts = true;
          seekedTo = this.seekTo(next, target);
          continue;
        }
        if (frame === undefined) throw this.missingFrame(target);
        // Frames come out in presentation order: once a later one is out, the target is lost.
        if (frame > target) throw this.missingFrame(target);
        if (wantedPts.has(this.index.pts[frame]) && !found.has(frame)) {
          found.set(frame, this.deliver(frame, size, request, jpegDir));
        }
      }
    }
    return indices.map((frame) => found.get(frame)!);
  }

  async close(): Promise<void> {
    this.release();
  }

  /**
   * Whether decoding on from where the decoder stands reaches `target` without a seek: only when the
   * decoder is before it and no keyframe lies between (otherwise a seek skips the frames between);
   * a keyframe right after the last frame out is reached as cheaply by decoding on.
   * The packet index left the demuxer at the end, so the first request always seeks.
   */
  private canDecodeOnTo(target: number, keyframe: number): boolean {
    return (
      this.lastOutput >= 0 &&
      this.lastOutput < target &&
      keyframe <= this.lastOutput + 1 &&
      !this.skippedSinceSeek.has(target) &&
      !this.decoderDrained
    );
  }

  private missingFrame(target: number): Error {
    const reason = this.lastRejection ? `the decoder rejected a packet: ${this.lastRejection}` : 'the file may be damaged';
    return new Error(`cannot decode frame ${target} of ${this.file}: ${reason}`);
  }

  /**
   * Where to seek for a keyframe, best first: its pts (what most demuxers seek by), its dts (what
   * MPEG-TS seeks by; first once this demuxer has shown it), then the same for each keyframe before
   * it, and last for the first frame (not always a keyframe: an edit list may hide the one before it).
   */
  private *seekPoints(keyframe: number): Generator<SeekPoint> {
    const { keyframes, pts, dts } = this.index;
    const frames = keyframes.filter((frame) => frame <= keyframe).reverse();
    if (frames[frames.length - 1] !== 0) frames.push(0);
    for (const frame of frames) {
      const times = this.seeksByDts ? [dts[frame], pts[frame]] : [pts[frame], dts[frame]];
      yield { keyframe: frame, time: times[0] };
      if (times[1] !== times[0]) yield { keyframe: frame, time: times[1] };
    }
  }

  private seekTo(point: IteratorResult<SeekPoint>, target?: number): SeekPoint {
    if (point.done) throw new Error(`cannot seek to frame ${target} of ${this.file}: the demuxer lands after every keyframe before it`);
    const { keyframe, time } = point.value;
    avCheck(this.input.seekFrameSync(this.streamIndex, time, AVSEEK_FLAG_BACKWARD), `cannot seek to frame ${keyframe} in`, this.file);
    this.decoder.flushBuffers();
    this.lastOutput = -1;
    this.skippedSinceSeek.clear();
    this.lastRejection = undefined;
    this.decoderDrained = false;
    return point.value;
  }

  /** Decodes until the next frame comes out; its index, or undefined at the end of the stream. */
  private nextFrame(wantedPts: Set<bigint>): number | undefined {
    for (;;) {
      const received = this.decoder.receiveFrameSync(this.decoded);
      if (received >= 0) {
        const pts = this.decoded.pts !== NO_PTS ? this.decoded.pts : this.decoded.bestEffortTimestamp;
        const frame = this.index.frameOfPts.get(pts);
        if (frame === undefined) {
          this.decoded.unref();
          continue;
        }
        this.lastOutput = frame;
        this.decodedFrames++;
        return frame;
      }
      if (received === AVERROR_EOF) {
        this.decoderDrained = true;
        return undefined;
      }
      if (received !== AVERROR_EAGAIN) avCheck(received, 'cannot decode', this.file);
      this.feedPacket(wantedPts);
    }
  }

  private feedPacket(wantedPts: Set<bigint>): void {
    for (;;) {
      const read = this.input.readFrameSync(this.packet);
      if (read === AVERROR_EOF) {
        avCheck(this.decoder.sendPacketSync(null), 'cannot flush the decoder for', this.file);
        return;
      }
      avCheck(read, 'cannot read', this.file);
      if (this.packet.streamIndex !== this.streamIndex) {
        this.packet.unref();
        continue;
      }
      // Per packet: a frame nobody asked for that nothing references need not be decoded at all.
      const skip = !wantedPts.has(this.packet.pts);
      if (skip !== this.skipping) {
        Option.setInt(this.decoder.getNative(), 'skip_frame', skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT);
        this.skipping = skip;
      }
      if (skip) {
        const frame = this.index.frameOfPts.get(this.packet.pts);
        if (frame !== undefined) this.skippedSinceSeek.add(frame);
      }
      const sent = this.decoder.sendPacketSync(this.packet);
      this.packet.unref();
      // A damaged packet costs its frame, not the video: the frames asked for may still decode.
      if (sent === AVERROR_INVALIDDATA) this.lastRejection = avErrorText(sent);
      else avCheck(sent, 'cannot decode', this.file);
      return;
    }
  }

  private deliver(frame: number, size: { width: number; height: number }, request: FrameRequest, jpegDir: string | undefined): VideoFrame {
    let picture = this.decoded;
    if (picture.isHwFrame()) {
      avCheck(picture.hwframeTransferDataSync(this.downloaded, 0), 'cannot download a frame from the GPU for', this.file);
      picture = this.downloaded;
    }
    const result: VideoFrame = {
      index: frame,
      timestamp: frameTimestamp(this.summary, frame),
      width: size.width,
      height: size.height,
    };
    if (request.pixels !== false) result.data = this.outputs.rgb(picture, size);
    if (jpegDir || request.jpegBytes) {
      const jpeg = this.outputs.jpeg(picture, size, request.jpegQuality);
      if (jpegDir) result.jpegPath = writeJpegFile(jpegDir, frame, jpeg);
      if (request.jpegBytes) result.jpeg = jpeg;
    }
    this.downloaded.unref();
    return result;
  }

  /** Frees every native object, in an order that never leaves one pointing into a freed one. */
  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.outputs.free();
    this.decoder.freeContext();
    this.hardwareDevice?.free();
    this.input.closeInputSync();
    this.packet.free();
    this.decoded.free();
    this.downloaded.free();
  }
}

/** Opens a video with the libav backend on `device`. */
export async function openLibavSource(file: string, options: SourceOptions, device: DecodeDevice): Promise<OpenedVideoSource> {
  return LibavVideoSource.open(file, options, device);
}
