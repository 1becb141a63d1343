import { runProgram } from '../../runProgram';
import { videoInput } from './ffmpegArguments';
import { chooseVideoStream, type StreamFacts } from '../videoStreamChoice';
import { fileOrderReason, framePts, NO_PTS } from '../presentationOrder';
import type { IndexedStream } from '../videoDescription';

interface ProbedStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  time_base?: string;
  bit_rate?: string;
  /** The codec's reordering delay (codecpar's video_delay). */
  has_b_frames?: number;
  disposition?: { default?: number; attached_pic?: number };
  /** "num:den", "0:1" or "N/A". */
  sample_aspect_ratio?: string;
  /** `displaymatrix`: a hex dump, three rows of "index: entry entry entry". */
  side_data_list?: { displaymatrix?: string }[];
}

interface ProbedPacket {
  pts?: number;
  dts?: number;
  duration?: number;
  size?: string | number;
  flags?: string;
}

/** ffprobe's list of a file's streams: what the video stream is chosen from. */
function streamProbeArgs(file: string, networkTimeoutS: number): string[] {
  return [
    '-hide_banner', '-loglevel', 'error',
    '-show_entries', 'stream=index,codec_type,codec_name,width,height,pix_fmt,time_base,bit_rate,has_b_frames,sample_aspect_ratio:stream_side_data=displaymatrix:stream_disposition=default,attached_pic:format=bit_rate',
    '-of', 'json', ...videoInput(file, networkTimeoutS),
  ];
}

/** ffprobe's packet list of stream `streamIndex` (absolute): what the frame index is built from. */
export function packetProbeArgs(file: string, streamIndex: number, networkTimeoutS: number): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-select_streams', String(streamIndex),
    '-show_entries', 'packet=pts,dts,duration,size,flags', '-of', 'json', ...videoInput(file, networkTimeoutS),
  ];
}

function factsOf(stream: ProbedStream): StreamFacts {
  return {
    index: stream.index,
    kind: stream.codec_type === 'video' ? 'video' : stream.codec_type === 'audio' ? 'audio' : 'other',
    attachedPicture: stream.disposition?.attached_pic === 1,
    isDefault: stream.disposition?.default === 1,
    bitRate: Number(stream.bit_rate ?? 0),
  };
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

async function probeJson<T>(ffprobe: string, args: string[], what: string): Promise<T> {
  return JSON.parse((await runProgram(ffprobe, { args }, what)).toString('utf8')) as T;
}

/**
 * The video stream and its packet summary from ffprobe, by the same rules as the in-process index:
 * the same stream choice, the same pts for a packet without one, discarded packets (before an mp4
 * edit list's start) no frames, and the same test of whether the packets can order the frames.
 */
export async function probePackets(ffprobe: string, file: string, networkTimeoutS: number): Promise<IndexedStream> {
  const what = `reading the packets of ${file}`;
  const probe = await probeJson<{ streams?: ProbedStream[]; format?: { bit_rate?: string } }>(ffprobe, streamProbeArgs(file, networkTimeoutS), what);
  const streams = probe.streams ?? [];
  const streamIndex = chooseVideoStream(streams.map(factsOf), file);
  const stream = streams.find((candidate) => candidate.index === streamIndex)!;
  const { packets = [] } = await probeJson<{ packets?: ProbedPacket[] }>(ffprobe, packetProbeArgs(file, streamIndex, networkTimeoutS), what);
  const stamp = (value: number | undefined) => (value === undefined ? NO_PTS : BigInt(value));
  const kept = packets.filter((packet) => !packet.flags?.includes('D'));
  const inDecodeOrder = kept.map((packet) => {
    const pts = framePts(stamp(packet.pts), stamp(packet.dts));
    return { pts, dts: packet.dts === undefined ? pts : BigInt(packet.dts), key: packet.flags?.includes('K') ?? false, duration: packet.duration ?? 0, size: Number(packet.size ?? 0) };
  });
  if (!inDecodeOrder.length) throw new Error(`no video frames in ${file}`);
  // ffprobe does not say whether the format allows timestamp jumps; the formats that do (MPEG-TS) libavformat reads in process.
  const reason = fileOrderReason(inDecodeOrder, { reordered: kept.some((packet) => packet.pts === undefined) && (stream.has_b_frames ?? 0) > 0, discontinuous: false });
  // Numbering frames in file order takes decoding the file, which this index without libavformat cannot do.
  if (reason) throw new Error(`cannot index the frames of ${file} from ffprobe's packet list: ${reason}`);
  const frames = [...inDecodeOrder].sort((a, b) => (a.pts < b.pts ? -1 : a.pts > b.pts ? 1 : 0));
  const [num, den] = (stream.time_base ?? '1/1').split('/').map(Number);
  const summary = {
    pts: frames.map((frame) => Number(frame.pts)),
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
  return { streamIndex, summary };
}
