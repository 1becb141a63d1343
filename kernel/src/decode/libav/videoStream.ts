import { avGetCodecName, avGetPixFmtName, Dictionary, FormatContext, type Stream } from 'node-av/lib';
import { AV_PKT_DATA_DISPLAYMATRIX, type AVPixelFormat } from 'node-av/constants';
import type { IndexedStream, PacketSummary, StoredPicture } from '../videoDescription';
import { avCheck } from './avCheck';
import { chooseVideoStream } from '../videoStreamChoice';
import { streamFactsOf } from './streamFacts';
import { isNetworkUrl, MAX_NETWORK_TIMEOUT_S, protocolOptions } from '../networkInput';
import { readPacketIndex, type KeepLimit, type KeptPackets, type PacketIndex } from './packetIndex';
import { indexInOutputOrder, leadingDecoder } from './outputOrderIndex';

export interface VideoStream {
  streamIndex: number;
  index: PacketIndex;
  summary: PacketSummary;
  /** The stream's packets, when `keep` allowed keeping them; the caller frees them. */
  kept?: KeptPackets;
}

/** Opens a file, or a URL with the http protocol's timeout and reconnect options. */
export function openVideoInput(input: FormatContext, file: string, networkTimeoutS: number): void {
  const options = isNetworkUrl(file) ? Dictionary.fromObject(protocolOptions(networkTimeoutS)) : null;
  try {
    avCheck(input.openInputSync(file, null, options), 'cannot open', file);
  } finally {
    options?.free();
  }
}

/** The stream's display matrix (9 int32 in the machine's byte order, as FFmpeg keeps it: little-endian on the x86-64 and arm64 machines node-av ships for), when it has one. */
function displayMatrixOf(stream: Stream): number[] | undefined {
  const data = stream.codecpar.getCodedSideData(AV_PKT_DATA_DISPLAYMATRIX);
  if (!data || data.length < 36) return undefined;
  return Array.from({ length: 9 }, (_, entry) => data.readInt32LE(entry * 4));
}

/** The pixel shape as ffprobe reads it: the container's, else the bitstream's (0/1: none given). */
function sampleAspectRatioOf(stream: Stream): { num: number; den: number } {
  const [container, bitstream] = [stream.sampleAspectRatio, stream.codecpar.sampleAspectRatio];
  const chosen = container.num > 0 && container.den > 0 ? container : bitstream;
  return chosen.num > 0 && chosen.den > 0 ? { num: chosen.num, den: chosen.den } : { num: 0, den: 1 };
}

/** The stream's stored picture shape, as both the index and a front-to-back decode read it. */
export function storedPictureOf(stream: Stream): StoredPicture {
  const parameters = stream.codecpar;
  return { width: parameters.width, height: parameters.height, displayMatrix: displayMatrixOf(stream), sampleAspectRatio: sampleAspectRatioOf(stream) };
}

/** Opens `file` in `input`, finds its video stream and reads its packet index (no decoding), keeping the packets within `keep`. */
export function openVideoStream(input: FormatContext, file: string, keep?: KeepLimit, networkTimeoutS = MAX_NETWORK_TIMEOUT_S): VideoStream {
  openVideoInput(input, file, networkTimeoutS);
  avCheck(input.findStreamInfoSync(null), 'cannot read the stream information of', file);
  const streamIndex = chooseVideoStream(streamFactsOf(input), file);
  const stream = input.streams[streamIndex];
  const parameters = stream.codecpar;
  const read = readPacketIndex(input, streamIndex, file, leadingDecoder(input, streamIndex, file), keep);
  const { kept } = read;
  let index = read.index;
  try {
    if (index.order === 'file') index = indexInOutputOrder(input, streamIndex, index, kept, file);
    if (index.pts.length === 0) throw new Error(`no video frames in ${file}`);
  } catch (error) {
    for (const packet of kept?.packets ?? []) packet.free();
    throw error;
  }
  const summary: PacketSummary = {
    order: index.order,
    pts: index.pts.map(Number),
    lastDuration: Number(index.lastDuration),
    timeBase: { num: stream.timeBase.num, den: stream.timeBase.den },
    keyframes: index.keyframes,
    totalBytes: index.totalBytes,
    ...storedPictureOf(stream),
    codec: avGetCodecName(parameters.codecId) ?? 'unknown',
    pixFmt: avGetPixFmtName(parameters.format as AVPixelFormat) ?? 'unknown',
    bitRate: Number(input.bitRate),
  };
  return { streamIndex, index, summary, kept };
}

/** The chosen video stream and its packet summary, read in process without decoding; the demuxer is closed again. */
export function readPacketSummary(file: string, networkTimeoutS?: number): IndexedStream {
  const input = new FormatContext();
  try {
    const { streamIndex, summary } = openVideoStream(input, file, undefined, networkTimeoutS);
    return { streamIndex, summary };
  } finally {
    input.closeInputSync();
  }
}
