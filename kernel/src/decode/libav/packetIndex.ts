import { FormatContext, Packet } from 'node-av/lib';
import { AV_PKT_FLAG_DISCARD, AV_PKT_FLAG_KEY, AVERROR_EOF } from 'node-av/constants';
import { avCheck } from './avCheck';

/** No timestamp, as FFmpeg spells it (AV_NOPTS_VALUE). */
export const NO_PTS = -(2n ** 63n);

/**
 * Every frame of one video stream, in presentation order, read from the packets without decoding
 * (torchcodec's "exact" mode does the same): the frame count comes from here, never from the header.
 */
export interface PacketIndex {
  /** Presentation timestamps in stream time base, ascending; frame i has `pts[i]`. */
  pts: bigint[];
  /**
   * Decoding timestamps of the same frames. Some demuxers (MPEG-TS) seek by these: with B-frames a
   * keyframe's dts lies before its pts, and seeking to its pts lands after it.
   */
  dts: bigint[];
  /** Frame indices of the keyframes (random-access points), ascending. */
  keyframes: number[];
  /** Frame index of each pts, for identifying decoded frames. */
  frameOfPts: Map<bigint, number>;
  /** Duration of the last frame in stream time base (for the video's duration). */
  lastDuration: bigint;
  /** Sum of the frames' packet sizes in bytes. */
  totalBytes: number;
}

/**
 * Reads every packet of `streamIndex` once. Packets that the demuxer flags discard (before the
 * start of an mp4 edit list) are decoded for reference but never presented, so they are no frames.
 * Leaves the demuxer at the end of the file: the caller seeks before decoding.
 */
export function readPacketIndex(input: FormatContext, streamIndex: number, file: string): PacketIndex {
  const packet = new Packet();
  packet.alloc();
  const frames: { pts: bigint; dts: bigint; key: boolean; duration: bigint }[] = [];
  let totalBytes = 0;
  let withoutPts = 0;
  const reorders = input.streams[streamIndex].codecpar.videoDelay > 0;
  try {
    for (;;) {
      const code = input.readFrameSync(packet);
      if (code === AVERROR_EOF) break;
      avCheck(code, 'cannot read the packets of', file);
      if (packet.streamIndex === streamIndex && !(packet.flags & AV_PKT_FLAG_DISCARD)) {
        // Without B-frames, decode order is presentation order: a missing pts is the dts.
        if (packet.pts === NO_PTS) withoutPts++;
        const pts = packet.pts !== NO_PTS ? packet.pts : packet.dts;
        frames.push({ pts, dts: packet.dts !== NO_PTS ? packet.dts : pts, key: (packet.flags & AV_PKT_FLAG_KEY) !== 0, duration: packet.duration });
        totalBytes += packet.size;
      }
      packet.unref();
    }
  } finally {
    packet.free();
  }
  frames.sort((a, b) => (a.pts < b.pts ? -1 : a.pts > b.pts ? 1 : 0));
  const pts = frames.map((frame) => frame.pts);
  const unordered = withoutPts > 0 && reorders;
  if (unordered || pts.some((value, index) => value === NO_PTS || (index > 0 && value === pts[index - 1]))) {
    // Decoded frames are told apart by their pts; without distinct ones no frame can be found exactly.
    throw new Error(
      `cannot index the frames of ${file}: its packets carry no distinct presentation timestamps` +
        (unordered ? ' while its frames are reordered (B-frames in AVI or in a raw stream)' : ' (a raw stream without timestamps?)'),
    );
  }
  const keyframes: number[] = [];
  frames.forEach((frame, index) => frame.key && keyframes.push(index));
  const lastDuration = frames.length ? frames[frames.length - 1].duration : 0n;
  return { pts, dts: frames.map((frame) => frame.dts), keyframes, frameOfPts: new Map(pts.map((value, index) => [value, index])), lastDuration, totalBytes };
}

/** The last keyframe at or before frame `index` (the first frame when none is). */
export function keyframeAtOrBefore(keys: readonly number[], frame: number): number {
  let low = 0;
  let high = keys.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (keys[mid] <= frame) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found >= 0 ? keys[found] : 0;
}
