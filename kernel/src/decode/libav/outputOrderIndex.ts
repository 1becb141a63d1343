import { Codec, CodecContext, Frame, type FormatContext, type Stream } from 'node-av/lib';
import { avCheck } from './avCheck';
import { configureDecoder, OutputOrderDecoder } from './outputOrderDecoder';
import { DemuxerFeed, KeptPacketFeed } from './packetFeed';
import { NO_PTS, UnindexableVideoError, type KeptPackets, type LeadingDecode, type PacketIndex } from './packetIndex';

/** The frame rate assumed when a stream states none (raw streams without timing information). */
const FALLBACK_FPS = 25;

/** One frame's duration in the stream's time base, from its stated frame rate. */
function frameDurationOf(stream: Pick<Stream, 'avgFrameRate' | 'rFrameRate' | 'timeBase'>): bigint {
  const rate = [stream.avgFrameRate, stream.rFrameRate].find((candidate) => candidate.num > 0 && candidate.den > 0) ?? { num: FALLBACK_FPS, den: 1 };
  const { num, den } = stream.timeBase;
  return BigInt(Math.max(1, Math.round((den * rate.den) / (num * rate.num))));
}

/**
 * The decoder's timestamps in output order, made strictly increasing as FFmpeg's own timestamp
 * discontinuity handling does: a missing one follows the previous frame by one frame duration, and
 * one at or before the previous (a joined segment starting over) shifts its segment to follow on.
 */
function monotonicTimestamps(decoded: readonly bigint[], frameDuration: bigint): bigint[] {
  const stamps: bigint[] = [];
  let shift = 0n;
  for (const value of decoded) {
    const previous = stamps.at(-1);
    if (value === NO_PTS) {
      stamps.push(previous === undefined ? 0n : previous + frameDuration);
      continue;
    }
    if (previous !== undefined && value + shift <= previous) shift = previous + frameDuration - value;
    stamps.push(value + shift);
  }
  return stamps;
}

/**
 * Runs `decode` with a CPU decoder of the stream reading from its first packet: the kept packets
 * when there are, else the demuxer again.
 */
function withSoftwareDecoder(input: FormatContext, streamIndex: number, kept: KeptPackets | undefined, firstPacket: PacketIndex['firstPacket'], file: string, decode: (decoder: OutputOrderDecoder) => void): void {
  const stream = input.streams[streamIndex];
  const codec = Codec.findDecoder(stream.codecpar.codecId);
  if (!codec) throw new UnindexableVideoError(`cannot index the frames of ${file}: there is no decoder for its codec to count them`);
  const decoder = new CodecContext();
  const picture = new Frame();
  picture.alloc();
  const feed = kept ? new KeptPacketFeed(kept, []) : new DemuxerFeed(input, streamIndex, { pts: [], dts: [], keyframes: [], firstPacket }, file);
  try {
    // Threads 0: as many as FFmpeg sees fit; which frames come out does not depend on them.
    configureDecoder(decoder, codec, stream, 0, file);
    avCheck(decoder.open2Sync(codec, null), 'cannot open the decoder for', file);
    decode(new OutputOrderDecoder(decoder, feed, picture, file));
  } finally {
    // Kept packets stay for decoding; only the demuxer feed's own packet is freed here.
    if (!kept) feed.free();
    decoder.freeContext();
    picture.free();
  }
}

/** The `LeadingDecode` of a stream, on the CPU. */
export function leadingDecoder(input: FormatContext, streamIndex: number, file: string): LeadingDecode {
  return (packets, kept, firstPacket) => {
    const shown = new Set<bigint>();
    withSoftwareDecoder(input, streamIndex, kept, firstPacket, file, (decoder) => decoder.decodeAll((frame) => shown.add(frame.pts !== NO_PTS ? frame.pts : frame.bestEffortTimestamp), packets));
    return shown;
  };
}

/**
 * Completes a file-order index (`readPacketIndex` found the packets cannot order the frames) by
 * decoding the stream once from its start on the CPU: the count, timestamps and keyframes of
 * exactly the frames the decoder puts out.
 */
export function indexInOutputOrder(input: FormatContext, streamIndex: number, index: PacketIndex, kept: KeptPackets | undefined, file: string): PacketIndex {
  const decoded: bigint[] = [];
  const keyframes: number[] = [];
  withSoftwareDecoder(input, streamIndex, kept, index.firstPacket, file, (decoder) =>
    decoder.decodeAll((frame) => {
      if (frame.keyFrame) keyframes.push(decoded.length);
      decoded.push(frame.bestEffortTimestamp);
    }),
  );
  if (!decoded.length) throw new UnindexableVideoError(`cannot index the frames of ${file}: ${index.fileOrderReason}, and decoding it from its start gives no frame`);
  const frameDuration = frameDurationOf(input.streams[streamIndex]);
  return { ...index, pts: monotonicTimestamps(decoded, frameDuration), keyframes, lastDuration: frameDuration };
}
