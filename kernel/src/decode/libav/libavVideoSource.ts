import { mkdirSync } from 'node:fs';
import { FormatContext, Frame, Option, type CodecContext } from 'node-av/lib';
import { AVDISCARD_DEFAULT, AVDISCARD_NONREF, AVERROR_EAGAIN, AVERROR_EOF, AVERROR_INVALIDDATA } from 'node-av/constants';
import type { FrameRequest, VideoFrame, VideoMetadata, DecodeDevice } from '../../video/videoTypes';
import type { FrameGeometry } from '../../video/resizeGeometry';
import type { OpenedVideoSource, SourceOptions } from '../sourceOptions';
import { avCheck, avErrorText } from './avCheck';
import { FrameOutputs } from './frameOutputs';
import { downloadHardwareFrame } from './hardwareDecoding';
import { decodeFallingBack, fellBackToSoftware, openDecoder, SoftwareFallback, type OpenedDecoder } from './decoderSetup';
import { DEFAULT_KEEP_LIMIT, keyframeAtOrBefore, NO_PTS, seekFreeRuns, type KeepLimit, type PacketIndex } from './packetIndex';
import { DemuxerFeed, KeptPacketFeed, type PacketFeed, type StartPoint } from './packetFeed';
import { openVideoStream } from './videoStream';
import { OutputOrderDecoder } from './outputOrderDecoder';
import { networkTimeoutOf } from '../networkInput';
import { validateIndices } from '../frameIndices';
import { writeJpegFile } from '../jpegFiles';
import { describeVideo, frameTimestamp, frameTimestamps, requestGeometry, type PacketSummary } from '../videoDescription';

/**
 * One video decoded in process with FFmpeg's libraries: one demuxer and one decoder for its
 * lifetime. Frame-exact and frugal: it seeks only when a keyframe lies between the decoder's position
 * and the next wanted frame (so each needed GOP prefix is decoded once), skips non-reference frames
 * that are not wanted, decodes no further than its wanted frames need before a seek, and converts
 * only the wanted frames. A short video's packets come from memory, kept by the index pass.
 */
export class LibavVideoSource implements OpenedVideoSource {
  private readonly input = new FormatContext();
  private opened!: OpenedDecoder;
  private get decoder(): CodecContext { return this.opened.context; }
  private readonly feed: PacketFeed;
  private readonly decoded = new Frame();
  private readonly downloaded = new Frame();
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
  /** Packets given to the decoder since the source opened, skipped ones included (what draining saves shows here). */
  private sentPackets = 0;
  private decoderDrained = false;
  /** The pts of the wanted frames of the run being decoded, when a seek follows it (see `frames`). */
  private runPts?: ReadonlySet<bigint>;
  /** Those of them whose packets have not gone to the decoder since it started the run. */
  private unsentOfRun?: Set<bigint>;
  /** FFmpeg's words for the last packet the decoder rejected, to say why a frame is missing. */
  private lastRejection?: string;
  private skipping = false;
  private closed = false;
  private readonly outputs: FrameOutputs;
  private outputOrder?: OutputOrderDecoder;

  private constructor(
    private readonly file: string,
    private readonly options: SourceOptions,
    device: DecodeDevice,
    keep: KeepLimit,
  ) {
    this.outputs = new FrameOutputs(file);
    this.decoded.alloc();
    this.downloaded.alloc();
    try {
      const opened = openVideoStream(this.input, file, keep, networkTimeoutOf(options.settings));
      this.streamIndex = opened.streamIndex;
      this.index = opened.index;
      this.summary = opened.summary;
      this.feed = opened.kept ? new KeptPacketFeed(opened.kept, this.index.keyframes) : new DemuxerFeed(this.input, this.streamIndex, this.index, file);
      this.opened = openDecoder({ stream: this.input.streams[this.streamIndex], codecName: this.summary.codec, file, options }, device);
      if (this.index.order === 'file') this.outputOrder = new OutputOrderDecoder(this.decoder, this.feed, this.decoded, file);
    } catch (error) {
      this.release();
      throw error;
    }
  }

  /** `keep`: how much of the packets the index may keep (none: every read goes through the demuxer). */
  static open(file: string, options: SourceOptions, device: DecodeDevice, keep = DEFAULT_KEEP_LIMIT): LibavVideoSource {
    return new LibavVideoSource(file, options, device, keep);
  }

  get device(): DecodeDevice { return this.opened.device; }

  /** Frames decoded so far, wanted or not (skipped non-reference frames are not decoded, so not counted). */
  get decodedFrameCount(): number {
    return this.decodedFrames;
  }

  get sentPacketCount(): number {
    return this.sentPackets;
  }

  async metadata(): Promise<VideoMetadata> {
    return describeVideo(this.summary, this.options.settings.autorotate);
  }

  async frameTimestamps(): Promise<number[]> {
    return frameTimestamps(this.summary);
  }

  async frames(indices: readonly number[], request: FrameRequest = {}): Promise<VideoFrame[]> {
    return decodeFallingBack(this.opened, (cpu) => this.replaceDecoder(cpu), () => this.decodeFrames(indices, request));
  }

  /** After a fallback: the CPU decoder starts the request over from a start point (or the first packet). */
  private replaceDecoder(cpu: OpenedDecoder): void {
    [this.opened, this.lastOutput, this.outputOrder] = [cpu, -1, this.outputOrder && new OutputOrderDecoder(cpu.context, this.feed, this.decoded, this.file)];
  }

  private decodeFrames(indices: readonly number[], request: FrameRequest): VideoFrame[] {
    if (this.closed) throw new Error(`${this.file} is closed`);
    validateIndices(indices, this.index.pts.length, this.file);
    const wanted = [...new Set(indices)].sort((a, b) => a - b);
    const found = new Map<number, VideoFrame>();
    const size = requestGeometry(this.summary, this.options.settings.autorotate, request);
    if (request.jpegDir) mkdirSync(request.jpegDir, { recursive: true });
    const deliver = (frame: number) => this.deliver(frame, size, request, request.jpegDir);
    if (this.outputOrder) this.outputOrder.decodeFrames(wanted, (frame) => found.set(frame, deliver(frame)));
    else this.decodeInRuns(wanted, found, deliver);
    return indices.map((frame) => found.get(frame)!);
  }

  /** The wanted frames (ascending) of a stream in presentation order, seeking only between runs. */
  private decodeInRuns(wanted: number[], found: Map<number, VideoFrame>, deliver: (frame: number) => VideoFrame): void {
    const wantedPts = new Set(wanted.map((frame) => this.index.pts[frame]));
    const runs = seekFreeRuns(this.index.keyframes, wanted);
    runs.forEach((run, position) => {
      // A seek follows every run but the last: the decoder drains once it holds the run's frames,
      // rather than decode the frames after them that only its reordering delay would ask for.
      this.runPts = position < runs.length - 1 ? new Set(run.map((frame) => this.index.pts[frame])) : undefined;
      this.unsentOfRun = this.runPts && new Set(this.runPts);
      for (const target of run) this.decodeTo(target, wantedPts, found, deliver);
    });
    this.runPts = this.unsentOfRun = undefined;
  }

  async close(): Promise<void> {
    this.release();
  }

  /** Decodes until `target` is out (from a start point when decoding on cannot reach it), delivering the wanted frames on the way. */
  private decodeTo(target: number, wantedPts: Set<bigint>, found: Map<number, VideoFrame>, deliver: (frame: number) => VideoFrame): void {
    if (found.has(target)) return;
    const keyframe = keyframeAtOrBefore(this.index.keyframes, target);
    let points: Iterator<StartPoint> | undefined;
    let start: StartPoint | undefined;
    if (!this.canDecodeOnTo(target, keyframe)) {
      points = this.feed.startPoints(keyframe);
      start = this.startAt(points.next(), target);
    }
    while (!found.has(target)) {
      const firstAfterStart = this.lastOutput < 0;
      const frame = this.nextFrame(wantedPts);
      if (firstAfterStart && points && start && (frame === undefined || frame > start.keyframe)) {
        // Decoding from there gave a later frame first (a demuxer that seeks imprecisely): frames
        // between would be missing or decoded from missing references. Try the next way back.
        const next = points.next();
        this.feed.missed(start, next.done ? undefined : next.value);
        start = this.startAt(next, target);
        continue;
      }
      if (frame === undefined) throw this.missingFrame(target);
      // Frames come out in presentation order: once a later one is out, the target is lost.
      if (frame > target) throw this.missingFrame(target);
      if (wantedPts.has(this.index.pts[frame]) && !found.has(frame)) found.set(frame, deliver(frame));
    }
  }

  /**
   * Whether decoding on from where the decoder stands reaches `target` without a seek: only when the
   * decoder is before it and no keyframe lies between (otherwise a seek skips the frames between);
   * a keyframe right after the last frame out is reached as cheaply by decoding on.
   * Before the first frame is out the decoder stands nowhere: the first request always starts at a start point.
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

  private startAt(point: IteratorResult<StartPoint>, target: number): StartPoint {
    if (point.done) throw new Error(`cannot seek to frame ${target} of ${this.file}: the demuxer lands after every keyframe before it`);
    this.feed.moveTo(point.value);
    this.decoder.flushBuffers();
    this.lastOutput = -1;
    this.skippedSinceSeek.clear();
    this.lastRejection = undefined;
    this.decoderDrained = false;
    this.unsentOfRun = this.runPts && new Set(this.runPts);
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

  /** Sends the decoder its next packet; at the end of the stream, or once a run that a seek follows is all sent, the flush that drains it. */
  private feedPacket(wantedPts: Set<bigint>): void {
    const packet = this.unsentOfRun?.size === 0 ? undefined : this.feed.next();
    if (!packet) {
      this.unsentOfRun = undefined;
      avCheck(this.decoder.sendPacketSync(null), 'cannot flush the decoder for', this.file);
      return;
    }
    // Per packet: a frame nobody asked for that nothing references need not be decoded at all.
    const pts = packet.pts;
    const skip = !wantedPts.has(pts);
    if (skip !== this.skipping) {
      Option.setInt(this.decoder.getNative(), 'skip_frame', skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT);
      this.skipping = skip;
    }
    if (skip) {
      const frame = this.index.frameOfPts.get(pts);
      if (frame !== undefined) this.skippedSinceSeek.add(frame);
    } else {
      this.unsentOfRun?.delete(pts);
    }
    const sent = this.decoder.sendPacketSync(packet);
    this.sentPackets++;
    // A damaged packet costs its frame, not the video: the frames asked for may still decode.
    if (sent === AVERROR_INVALIDDATA) this.lastRejection = avErrorText(sent);
    else avCheck(sent, 'cannot decode', this.file);
  }

  private deliver(frame: number, size: FrameGeometry, request: FrameRequest, jpegDir: string | undefined): VideoFrame {
    let picture = this.decoded;
    if (fellBackToSoftware(this.opened, picture)) throw new SoftwareFallback();
    if (picture.isHwFrame()) picture = downloadHardwareFrame(picture, this.downloaded, this.file);
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
    (this.opened as OpenedDecoder | undefined)?.context.freeContext();
    // Absent when opening failed before the stream was read.
    (this.feed as PacketFeed | undefined)?.free();
    this.input.closeInputSync();
    this.decoded.free();
    this.downloaded.free();
  }
}

/** Opens a video with the libav backend on `device`. */
export async function openLibavSource(file: string, options: SourceOptions, device: DecodeDevice): Promise<OpenedVideoSource> {
  return LibavVideoSource.open(file, options, device);
}
