import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import type { DecodeDevice, FrameRequest, VideoFrame, VideoMetadata } from '../../video/videoTypes';
import { outputSize } from '../../video/outputSize';
import { validateIndices } from '../frameIndices';
import { jpegFileName, jpegQscale } from '../jpegNaming';
import type { OpenedVideoSource, SourceOptions } from '../sourceOptions';
import { describeVideo, framePresentationTime, frameTimestamp, type PacketSummary } from '../videoDescription';
import { keyframeAtOrBefore } from '../libav/packetIndex';
import { extractionArgs, packetProbeArgs, type InputSegment } from './ffmpegArguments';
import { resolveFfmpegBinary, type FfmpegBinary } from './ffmpegBinary';
import { readPacketSummary } from '../libav/videoStream';

const STDERR_LINES_QUOTED = 6;
const DEFAULT_JPEG_QUALITY = 90;

interface RunOutput {
  stdout: Buffer;
}

/** Runs a program with an argument array (never a shell); a failure quotes its last stderr lines. */
function run(program: string, args: string[], what: string): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`${what}: cannot run ${program}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout: Buffer.concat(chunks) });
      const tail = stderr.trim().split('\n').slice(-STDERR_LINES_QUOTED).join(' | ');
      reject(new Error(`${what}: ${path.basename(program)} ${signal ? `killed by ${signal}` : `exited with ${code}`}${tail ? `: ${tail}` : ''}`));
    });
  });
}

interface ProbedPacket {
  pts?: number;
  dts?: number;
  duration?: number;
  size?: string | number;
  flags?: string;
}

interface ProbeOutput {
  packets?: ProbedPacket[];
  streams?: { codec_name?: string; width?: number; height?: number; pix_fmt?: string; time_base?: string }[];
  format?: { bit_rate?: string };
}

/** The packet summary from ffprobe's packet list; discarded packets (edit lists) are no frames. */
async function probePackets(binary: FfmpegBinary, file: string): Promise<PacketSummary> {
  const { stdout } = await run(binary.ffprobe, packetProbeArgs(file), `reading the packets of ${file}`);
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

/** Seconds between frame `index` and the next one (one second after the last: nothing follows it). */
function gapAfter(summary: PacketSummary, index: number): number {
  return index + 1 < summary.pts.length ? framePresentationTime(summary, index + 1) - framePresentationTime(summary, index) : 1;
}

/**
 * The wanted frames grouped by the keyframe each decodes from: one ffmpeg input per group, seeking
 * half a frame past the keyframe (so the seek lands on it whatever the rounding) and reading one
 * frame past the last wanted one.
 */
export function inputSegments(summary: PacketSummary, wanted: readonly number[]): InputSegment[] {
  const groups = new Map<number, number[]>();
  for (const frame of wanted) {
    const keyframe = keyframeAtOrBefore(summary.keyframes, frame);
    groups.set(keyframe, [...(groups.get(keyframe) ?? []), frame]);
  }
  return [...groups].map(([keyframe, frames]) => {
    const seekSeconds = framePresentationTime(summary, keyframe) + gapAfter(summary, keyframe) / 2;
    const last = frames[frames.length - 1];
    const endSeconds = framePresentationTime(summary, last) + 2 * gapAfter(summary, last);
    return { seekSeconds, durationSeconds: endSeconds - seekSeconds, pts: frames.map((frame) => summary.pts[frame]) };
  });
}

/** A video decoded by the ffmpeg program: one ffprobe for the index, one ffmpeg run per request. */
class FfmpegVideoSource implements OpenedVideoSource {
  constructor(
    private readonly file: string,
    private readonly binary: FfmpegBinary,
    private readonly summary: PacketSummary,
    private readonly options: SourceOptions,
    readonly device: DecodeDevice,
  ) {}

  async metadata(): Promise<VideoMetadata> {
    return describeVideo(this.summary);
  }

  async frames(indices: readonly number[], request: FrameRequest = {}): Promise<VideoFrame[]> {
    validateIndices(indices, this.summary.pts.length, this.file);
    const wanted = [...new Set(indices)].sort((a, b) => a - b);
    const size = outputSize(this.summary.width, this.summary.height, request.size);
    const pixels = request.pixels !== false;
    const jpegDir = request.jpegDir;
    // image2 numbers its files 1..n; they are renamed to the frame's own name afterwards.
    const batch = `.vbk-${process.pid}-${jpegBatch++}-`;
    if (jpegDir) mkdirSync(jpegDir, { recursive: true });
    if (!pixels && !jpegDir) return indices.map((index) => this.frameRecord(index, size));
    const plan = {
      file: this.file,
      width: size.width,
      height: size.height,
      pixels,
      jpegPattern: jpegDir ? path.join(jpegDir.replace(/%/g, '%%'), `${batch}%06d.jpg`) : undefined,
      jpegQscale: jpegQscale(request.jpegQuality ?? DEFAULT_JPEG_QUALITY),
      threads: this.options.settings.threads,
      device: this.device,
      gpuId: this.options.gpuId,
    };
    const decodeWith = async (segments: InputSegment[]) => {
      const output = await run(this.binary.ffmpeg, extractionArgs({ ...plan, segments }), `decoding ${this.file}`);
      return { stdout: output.stdout, complete: countOutputFrames(output.stdout, jpegDir, batch, size) >= wanted.length };
    };
    let { stdout, complete } = await decodeWith(inputSegments(this.summary, wanted));
    if (!complete) {
      // Some demuxers seek less precisely than their index promises: read the whole file once instead.
      this.options.log?.(`seeking in ${this.file} missed frames; decoding it in one pass`);
      ({ stdout } = await decodeWith([{ pts: wanted.map((frame) => this.summary.pts[frame]) }]));
    }
    const frameBytes = size.width * size.height * 3;
    if (pixels && stdout.length < frameBytes * wanted.length) {
      throw new Error(`decoding ${this.file}: ffmpeg gave ${Math.floor(stdout.length / frameBytes)} of ${wanted.length} frames (the file may be damaged)`);
    }
    const found = new Map<number, VideoFrame>();
    wanted.forEach((index, order) => {
      const frame = this.frameRecord(index, size);
      if (pixels) frame.data = new Uint8Array(stdout.subarray(order * frameBytes, (order + 1) * frameBytes));
      if (jpegDir) {
        frame.jpegPath = path.join(jpegDir, jpegFileName(index));
        renameSync(path.join(jpegDir, `${batch}${String(order + 1).padStart(6, '0')}.jpg`), frame.jpegPath);
      }
      found.set(index, frame);
    });
    return indices.map((index) => ({ ...found.get(index)! }));
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
async function packetSummary(binary: FfmpegBinary, file: string): Promise<PacketSummary> {
  try {
    return readPacketSummary(file);
  } catch {
    return probePackets(binary, file);
  }
}

/** Opens a video with the ffmpeg program (`backend: 'ffmpeg'`). */
export async function openFfmpegSource(file: string, options: SourceOptions, device: DecodeDevice): Promise<OpenedVideoSource> {
  const binary = resolveFfmpegBinary(options.settings.ffmpegPath);
  return new FfmpegVideoSource(file, binary, await packetSummary(binary, file), options, device);
}
