/**
 * Generates test and sample videos in process with node-av's FFmpeg libraries (lavfi sources and
 * the x264/x265/vpx encoders), so nothing but Node is needed. Every frame is stamped with its own
 * index (frameStamp.ts) on top of moving content.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Codec, CodecContext, Dictionary, FormatContext, Frame, InputFormat, Log, Packet, Rational } from 'node-av/lib';
import { AV_CODEC_FLAG_GLOBAL_HEADER, AV_LOG_ERROR, AVFMT_GLOBALHEADER, AV_PIX_FMT_YUV420P } from 'node-av/constants';
import { FrameConverter } from '../kernel/src/decode/libav/frameConverter';
import { stampFrameIndex } from './frameStamp';

export type GeneratedCodec = 'h264' | 'hevc' | 'vp9';

export interface GeneratedVideoSpec {
  /** Output file; the container follows the extension (.mp4, .mkv, .webm). */
  path: string;
  codec: GeneratedCodec;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** Keyframe interval in frames. */
  gop: number;
  /** Consecutive B-frames allowed (0: none). H.264 and HEVC only. */
  bFrames?: number;
  /** Irregular frame durations: timestamps off any constant grid. */
  vfr?: boolean;
  /**
   * An mp4 whose edit list starts presentation later than the first coded frame: the stream's
   * timestamps start at 1 s and the muxer records that with an edit list (plus the B-frame delay).
   */
  editList?: boolean;
  /** lavfi source graph (default testsrc2: moving, textured content). */
  source?: string;
}

export interface GeneratedVideoInfo {
  path: string;
  frameCount: number;
  /** Presentation timestamps in seconds, relative to the first frame, in presentation order. */
  timestamps: number[];
}

const ENCODERS: Record<GeneratedCodec, string> = { h264: 'libx264', hevc: 'libx265', vp9: 'libvpx-vp9' };
/** Timestamps count in milliseconds, so VFR durations can be anything. */
const TIME_BASE = new Rational(1, 1000);
const EDIT_LIST_START_MS = 1000;

function check(code: number, what: string, file: string): number {
  if (code < 0) throw new Error(`${what} failed for ${file} (FFmpeg error ${code})`);
  return code;
}

function encoderOptions(spec: GeneratedVideoSpec): Record<string, string> {
  const bFrames = spec.bFrames ?? 0;
  switch (spec.codec) {
    case 'h264':
      // scenecut=0 keeps keyframes exactly every `gop` frames, so GOP lengths are what the test asks.
      return { preset: 'superfast', 'x264-params': `scenecut=0:bframes=${bFrames}:keyint=${spec.gop}:min-keyint=${spec.gop}` };
    case 'hevc':
      return { preset: 'ultrafast', 'x265-params': `log-level=error:scenecut=0:bframes=${bFrames}:keyint=${spec.gop}:min-keyint=${spec.gop}` };
    case 'vp9':
      return { deadline: 'realtime', 'cpu-used': '8', 'lag-in-frames': '0', 'auto-alt-ref': '0' };
  }
}

/** Milliseconds of each frame: constant, or (VFR) cycling through uneven durations averaging 1/fps. */
function frameTimestampsMs(spec: GeneratedVideoSpec): number[] {
  const base = 1000 / spec.fps;
  const pattern = spec.vfr ? [0.5, 1.5, 1, 0.75, 1.25] : [1];
  const start = spec.editList ? EDIT_LIST_START_MS : 0;
  const stamps: number[] = [];
  let at = start;
  for (let i = 0; i < spec.frameCount; i++) {
    stamps.push(Math.round(at));
    at += base * pattern[i % pattern.length];
  }
  return stamps;
}

export async function generateVideo(spec: GeneratedVideoSpec): Promise<GeneratedVideoInfo> {
  // The encoders' statistics at info level would bury the output of whoever generates.
  Log.setLevel(AV_LOG_ERROR);
  mkdirSync(path.dirname(spec.path), { recursive: true });
  const file = spec.path;
  const timestampsMs = frameTimestampsMs(spec);
  // Packets need durations: without one the mp4 muxer gives the last frame none, and its edit list
  // then hides that frame from every demuxer.
  const durationByPts = new Map(timestampsMs.map((ms, i) => [BigInt(ms), BigInt((timestampsMs[i + 1] ?? ms + Math.round(1000 / spec.fps)) - ms)]));
  const input = new FormatContext();
  const decoder = new CodecContext();
  const output = new FormatContext();
  const encoder = new CodecContext();
  const packet = new Packet();
  const frame = new Frame();
  // Sources like mandelbrot or life produce RGB; the stamp and the encoders want YUV 4:2:0.
  const toYuv = new FrameConverter(AV_PIX_FMT_YUV420P, spec.width, spec.height);
  packet.alloc();
  frame.alloc();
  let outputOpen = false;
  let inputOpen = false;
  try {
    const graph = spec.source ?? `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`;
    check(await input.openInput(graph, InputFormat.findInputFormat('lavfi'), null), 'opening the lavfi source', file);
    inputOpen = true;
    check(await input.findStreamInfo(null), 'probing the lavfi source', file);
    const sourceStream = input.streams[0];
    decoder.allocContext3(Codec.findDecoder(sourceStream.codecpar.codecId));
    check(decoder.parametersToContext(sourceStream.codecpar), 'configuring the source decoder', file);
    check(await decoder.open2(null, null), 'opening the source decoder', file);

    check(output.allocOutputContext2(null, null, file), 'choosing a container', file);
    const codec = Codec.findEncoderByName(ENCODERS[spec.codec] as Parameters<typeof Codec.findEncoderByName>[0]);
    if (!codec) throw new Error(`encoder ${ENCODERS[spec.codec]} is not in this FFmpeg build`);
    encoder.allocContext3(codec);
    encoder.width = spec.width;
    encoder.height = spec.height;
    encoder.pixelFormat = AV_PIX_FMT_YUV420P;
    encoder.timeBase = TIME_BASE;
    encoder.framerate = new Rational(spec.fps, 1);
    encoder.gopSize = spec.gop;
    encoder.maxBFrames = spec.bFrames ?? 0;
    encoder.threadCount = 1;
    // mp4 and Matroska keep SPS/PPS in the header, not in the first packet.
    if ((output.oformat?.flags ?? 0) & AVFMT_GLOBALHEADER) encoder.setFlags(AV_CODEC_FLAG_GLOBAL_HEADER);
    const stream = output.newStream(null);
    check(await encoder.open2(codec, Dictionary.fromObject(encoderOptions(spec))), `opening ${ENCODERS[spec.codec]}`, file);
    check(encoder.parametersFromContext(stream.codecpar), 'copying encoder parameters', file);
    stream.timeBase = TIME_BASE;
    check(await output.openOutput(), 'creating the file', file);
    outputOpen = true;
    check(await output.writeHeader(null), 'writing the header', file);

    const encoded = new Packet();
    encoded.alloc();
    const drain = async () => {
      while ((await encoder.receivePacket(encoded)) >= 0) {
        encoded.streamIndex = stream.index;
        encoded.duration = durationByPts.get(encoded.pts) ?? 0n;
        encoded.rescaleTs(TIME_BASE, stream.timeBase);
        check(await output.interleavedWriteFrame(encoded), 'writing a packet', file);
        encoded.unref();
      }
    };
    let written = 0;
    while (written < spec.frameCount && (await input.readFrame(packet)) >= 0) {
      check(await decoder.sendPacket(packet), 'decoding the source', file);
      packet.unref();
      while (written < spec.frameCount && (await decoder.receiveFrame(frame)) >= 0) {
        const converted = frame.format === AV_PIX_FMT_YUV420P ? undefined : toYuv.convert(frame);
        const yuv = (converted ?? frame).toBuffer();
        converted?.free();
        frame.unref();
        stampFrameIndex(yuv, spec.width, spec.height, written);
        const stamped = Frame.fromVideoBuffer(yuv, { width: spec.width, height: spec.height, format: AV_PIX_FMT_YUV420P, pts: BigInt(timestampsMs[written]), timeBase: TIME_BASE });
        check(await encoder.sendFrame(stamped), 'encoding a frame', file);
        stamped.free();
        written++;
        await drain();
      }
    }
    check(await encoder.sendFrame(null), 'flushing the encoder', file);
    await drain();
    encoded.free();
    check(await output.writeTrailer(), 'writing the trailer', file);
    if (written !== spec.frameCount) throw new Error(`the lavfi source gave ${written} of ${spec.frameCount} frames for ${file}`);
    const first = timestampsMs[0];
    return { path: file, frameCount: written, timestamps: timestampsMs.map((ms) => (ms - first) / 1000) };
  } finally {
    // Freed explicitly and in this order: leaving native objects to the garbage collector in
    // arbitrary order corrupts the heap at exit.
    if (outputOpen) await output.closeOutput();
    output.freeContext();
    encoder.freeContext();
    decoder.freeContext();
    if (inputOpen) await input.closeInput();
    packet.free();
    frame.free();
    toYuv.free();
  }
}
