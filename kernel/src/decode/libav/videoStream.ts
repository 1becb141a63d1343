import { avGetCodecName, avGetPixFmtName, FormatContext } from 'node-av/lib';
import { AVMEDIA_TYPE_VIDEO, type AVPixelFormat } from 'node-av/constants';
import type { PacketSummary } from '../videoDescription';
import { avCheck, avErrorText } from './avCheck';
import { readPacketIndex, type PacketIndex } from './packetIndex';

export interface VideoStream {
  streamIndex: number;
  index: PacketIndex;
  summary: PacketSummary;
}

/** Opens `file` in `input`, finds its video stream and reads its packet index (no decoding). */
export function openVideoStream(input: FormatContext, file: string): VideoStream {
  avCheck(input.openInputSync(file, null, null), 'cannot open', file);
  avCheck(input.findStreamInfoSync(null), 'cannot read the stream information of', file);
  const streamIndex = input.findBestStream(AVMEDIA_TYPE_VIDEO);
  if (streamIndex < 0) throw new Error(`no video stream in ${file}: ${avErrorText(streamIndex)}`);
  const stream = input.streams[streamIndex];
  const parameters = stream.codecpar;
  const index = readPacketIndex(input, streamIndex, file);
  if (index.pts.length === 0) throw new Error(`no video frames in ${file}`);
  const summary: PacketSummary = {
    pts: index.pts.map(Number),
    lastDuration: Number(index.lastDuration),
    timeBase: { num: stream.timeBase.num, den: stream.timeBase.den },
    keyframes: index.keyframes,
    totalBytes: index.totalBytes,
    width: parameters.width,
    height: parameters.height,
    codec: avGetCodecName(parameters.codecId) ?? 'unknown',
    pixFmt: avGetPixFmtName(parameters.format as AVPixelFormat) ?? 'unknown',
    bitRate: Number(input.bitRate),
  };
  return { streamIndex, index, summary };
}

/** The packet summary of a file, read in process without decoding; the demuxer is closed again. */
export function readPacketSummary(file: string): PacketSummary {
  const input = new FormatContext();
  try {
    return openVideoStream(input, file).summary;
  } finally {
    input.closeInputSync();
  }
}
