/**
 * Generates test and sample videos in process with node-av's FFmpeg libraries (lavfi sources and
 * the x264/x265/vpx encoders), so nothing but Node is needed. Every frame is stamped with its own
 * index (frameStamp.ts) on top of moving content.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Codec, CodecContext, Dictionary, FormatContext, Frame, InputFormat, Log, Packet, Rational } from 'node-av/lib';
import { AV_CODEC_FLAG_GLOBAL_HEADER, AV_LOG_ERROR, AV_PKT_DATA_DISPLAYMATRIX, AVFMT_GLOBALHEADER, AV_PIX_FMT_YUV420P } from 'node-av/constants';
import { avCheck } from '../kernel/src/decode/libav/avCheck';
import { FrameConverter } from '../kernel/src/decode/libav/frameConverter';
import { stampFrameIndex } from './frameStamp';

export type GeneratedCodec = 'h264' | 'hevc' | 'vp9';

export interface GeneratedVideoSpec {
  /** Output file; the container follows the extension (.mp4, .mkv, .webm, .ts, ...). */
  path: string;
  codec: GeneratedCodec;
  /** Even, as YUV 4:2:0 needs. */
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** Keyframe interval in frames: keyframes fall exactly on multiples of it. */
  gop: number;
  /** Consecutive B-frames allowed (0: none). H.264 and HEVC only; x264 may use fewer. */
  bFrames?: number;
  /** Irregular frame durations (cycling 0.5, 1.5, 1, 0.75, 1.25 frame periods): timestamps off any constant grid. */
  vfr?: boolean;
  /**
   * An mp4 whose edit list makes presentation start later than the media: the stream's timestamps
   * start at 1 s, so the mov muxer writes two edits: an empty one of 1 s, then the media from the
   * first presented frame's composition time (with B-frames, the decode delay lies before it, so
   * the first coded sample is not presented at media time 0). ffprobe reports start_time=1.000000;
   * demuxers that honour the edit list give the first frame pts 1 s.
   */
  editList?: boolean;
  /** lavfi source graph (default testsrc2: moving, textured content); scaled to the spec's size. */
  source?: string;
  /**
   * A display matrix for the stream (9 int32, FFmpeg's layout; mp4 and mov keep it in the track
   * header): how players turn or mirror the stored picture. None: shown as stored.
   */
  displayMatrix?: readonly number[];
}

export interface GeneratedVideoInfo {
  path: string;
  frameCount: number;
  /**
   * Presentation timestamps in seconds, in presentation order, relative to the first frame (an
   * edit-list file's frames are presented 1 s later than these say).
   */
  timestamps: number[];
}

const ENCODERS: Record<GeneratedCodec, string> = { h264: 'libx264', hevc: 'libx265', vp9: 'libvpx-vp9' };
/** Timestamps count in milliseconds, so VFR durations can be anything. */
const TIME_BASE = new Rational(1, 1000);
const EDIT_LIST_START_MS = 1000;
const VFR_DURATIONS = [0.5, 1.5, 1, 0.75, 1.25];

/** Changes whenever the generator's or the stamp's code does: files made by other code can be told apart. */
export function generatorFingerprint(): string {
  const hash = createHash('sha256');
  for (const module of generatorSources()) hash.update(readFileSync(module));
  return hash.digest('hex');
}

/** The generator's code: two files in the compiled tree, one in a bundle (which then holds both). */
function generatorSources(): string[] {
  try {
    return [__filename, require.resolve('./frameStamp')];
  } catch {
    return [__filename];
  }
}

/** Refuses specs the encoders or containers would reject, before any native object exists. */
function validate(spec: GeneratedVideoSpec): void {
  const problems: string[] = [];
  if (!(spec.width > 0 && spec.height > 0 && spec.width % 2 === 0 && spec.height % 2 === 0)) problems.push(`size ${spec.width}x${spec.height} must be positive and even`);
  if (!(Number.isInteger(spec.frameCount) && spec.frameCount > 0)) problems.push(`frameCount ${spec.frameCount} must be a positive integer`);
  if (!(Number.isInteger(spec.gop) && spec.gop > 0)) problems.push(`gop ${spec.gop} must be a positive integer`);
  if (!(spec.fps > 0)) problems.push(`fps ${spec.fps} must be positive`);
  if (spec.codec === 'vp9' && (spec.bFrames ?? 0) > 0) problems.push('VP9 has no B-frames');
  const extension = path.extname(spec.path).toLowerCase();
  if (extension === '.webm' && spec.codec !== 'vp9') problems.push(`WebM holds VP9, not ${spec.codec}`);
  if (spec.editList && extension !== '.mp4') problems.push('an edit list needs an .mp4');
  if (spec.displayMatrix && !(spec.displayMatrix.length === 9 && spec.displayMatrix.every(Number.isInteger))) problems.push('a display matrix is 9 whole numbers');
  if (problems.length) throw new RangeError(`cannot generate ${spec.path}: ${problems.join('; ')}`);
}

function encoderOptions(spec: GeneratedVideoSpec): Record<string, string> {
  const bFrames = spec.bFrames ?? 0;
  switch (spec.codec) {
    case 'h264':
      // scenecut=0 keeps keyframes exactly every `gop` frames, so GOP lengths are what the caller asks.
      // b-adapt=0: x264's adaptive decision places almost no B-frames in synthetic content, and
      // then "with B-frames" would test nothing; fixed runs of `bFrames` look like camera footage.
      return { preset: 'superfast', 'x264-params': `scenecut=0:bframes=${bFrames}:b-adapt=0:keyint=${spec.gop}:min-keyint=${spec.gop}` };
    case 'hevc':
      return { preset: 'ultrafast', 'x265-params': `log-level=error:scenecut=0:bframes=${bFrames}:b-adapt=0:keyint=${spec.gop}:min-keyint=${spec.gop}` };
    case 'vp9':
      // No lag: keyframes stay on the gop grid (gopSize) and frames come out as they go in.
      return { deadline: 'realtime', 'cpu-used': '8', 'lag-in-frames': '0', 'auto-alt-ref': '0' };
  }
}

/** Milliseconds of each frame: constant, or (VFR) cycling through uneven durations averaging 1/fps. */
function frameTimestampsMs(spec: GeneratedVideoSpec): number[] {
  const period = 1000 / spec.fps;
  const durations = spec.vfr ? VFR_DURATIONS : [1];
  const stamps: number[] = [];
  let at = spec.editList ? EDIT_LIST_START_MS : 0;
  for (let i = 0; i < spec.frameCount; i++) {
    stamps.push(Math.round(at));
    at += period * durations[i % durations.length];
  }
  return stamps;
}

/** Picks the container from the extension; node-av throws here itself, without the file's name. */
function openContainer(output: FormatContext, file: string): void {
  let code: number;
  try {
    code = output.allocOutputContext2(null, null, file);
  } catch (error) {
    throw new Error(`cannot generate ${file}: no container for its extension (${error instanceof Error ? error.message : String(error)})`);
  }
  avCheck(code, 'no container for the extension of', file);
}

export async function generateVideo(spec: GeneratedVideoSpec): Promise<GeneratedVideoInfo> {
  validate(spec);
  // The encoders' statistics at info level would bury the output of whoever generates; a quieter
  // level set by the caller stays.
  if (Log.getLevel() > AV_LOG_ERROR) Log.setLevel(AV_LOG_ERROR);
  mkdirSync(path.dirname(spec.path), { recursive: true });
  const file = spec.path;
  const encoderName = ENCODERS[spec.codec];
  const timestampsMs = frameTimestampsMs(spec);
  // Packets need durations: without one the mp4 muxer gives the last frame none, and its edit list
  // then hides that frame from every demuxer.
  const durationByPts = new Map(timestampsMs.map((ms, i) => [BigInt(ms), BigInt((timestampsMs[i + 1] ?? ms + Math.round(1000 / spec.fps)) - ms)]));
  const input = new FormatContext();
  const decoder = new CodecContext();
  const output = new FormatContext();
  const encoder = new CodecContext();
  const packet = new Packet();
  const encoded = new Packet();
  const frame = new Frame();
  // Sources like mandelbrot or life produce RGB, or another size; the stamp and the encoders want
  // YUV 4:2:0 at the spec's size.
  const toYuv = new FrameConverter(AV_PIX_FMT_YUV420P, spec.width, spec.height);
  packet.alloc();
  encoded.alloc();
  frame.alloc();
  let outputOpen = false;
  let inputOpen = false;
  try {
    const graph = spec.source ?? `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`;
    avCheck(await input.openInput(graph, InputFormat.findInputFormat('lavfi'), null), `cannot open the lavfi source "${graph}" for`, file);
    inputOpen = true;
    avCheck(await input.findStreamInfo(null), 'cannot probe the lavfi source for', file);
    const sourceStream = input.streams[0];
    decoder.allocContext3(Codec.findDecoder(sourceStream.codecpar.codecId));
    avCheck(decoder.parametersToContext(sourceStream.codecpar), 'cannot configure the source decoder for', file);
    avCheck(await decoder.open2(null, null), 'cannot open the source decoder for', file);

    openContainer(output, file);
    const codec = Codec.findEncoderByName(encoderName as Parameters<typeof Codec.findEncoderByName>[0]);
    if (!codec) throw new Error(`cannot generate ${file}: encoder ${encoderName} is not in this FFmpeg build`);
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
    avCheck(await encoder.open2(codec, Dictionary.fromObject(encoderOptions(spec))), `cannot open ${encoderName} for`, file);
    avCheck(encoder.parametersFromContext(stream.codecpar), 'cannot copy the encoder parameters for', file);
    if (spec.displayMatrix) {
      const matrix = Buffer.alloc(36);
      spec.displayMatrix.forEach((entry, at) => matrix.writeInt32LE(entry, at * 4));
      avCheck(stream.codecpar.addCodedSideData(AV_PKT_DATA_DISPLAYMATRIX, matrix), 'cannot attach the display matrix to', file);
    }
    stream.timeBase = TIME_BASE;
    avCheck(await output.openOutput(), 'cannot create', file);
    outputOpen = true;
    avCheck(await output.writeHeader(null), 'cannot write the header of', file);

    const drain = async () => {
      while ((await encoder.receivePacket(encoded)) >= 0) {
        encoded.streamIndex = stream.index;
        encoded.duration = durationByPts.get(encoded.pts) ?? 0n;
        encoded.rescaleTs(TIME_BASE, stream.timeBase);
        avCheck(await output.interleavedWriteFrame(encoded), 'cannot write a packet to', file);
        encoded.unref();
      }
    };
    let written = 0;
    while (written < spec.frameCount && (await input.readFrame(packet)) >= 0) {
      avCheck(await decoder.sendPacket(packet), 'cannot decode the lavfi source for', file);
      packet.unref();
      while (written < spec.frameCount && (await decoder.receiveFrame(frame)) >= 0) {
        const ready = frame.format === AV_PIX_FMT_YUV420P && frame.width === spec.width && frame.height === spec.height;
        const yuv = ready ? frame.toBuffer() : toYuv.convertToBuffer(frame);
        frame.unref();
        stampFrameIndex(yuv, spec.width, spec.height, written);
        const stamped = Frame.fromVideoBuffer(yuv, { width: spec.width, height: spec.height, format: AV_PIX_FMT_YUV420P, pts: BigInt(timestampsMs[written]), timeBase: TIME_BASE });
        try {
          avCheck(await encoder.sendFrame(stamped), 'cannot encode a frame of', file);
        } finally {
          stamped.free();
        }
        written++;
        await drain();
      }
    }
    avCheck(await encoder.sendFrame(null), 'cannot flush the encoder of', file);
    await drain();
    avCheck(await output.writeTrailer(), 'cannot write the trailer of', file);
    if (written !== spec.frameCount) throw new Error(`cannot generate ${file}: the lavfi source "${graph}" gave ${written} of ${spec.frameCount} frames`);
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
    encoded.free();
    frame.free();
    toYuv.free();
  }
}
