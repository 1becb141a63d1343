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
  const frames: { pts: bigint; key: boolean; duration: bigint }[] = [];
  let totalBytes = 0;
  try {
    for (;;) {
      const code = input.readFrameSync(packet);
      if (code === AVERROR_EOF) break;
      avCheck(code, 'cannot read the packets of', file);
      if (packet.streamIndex === streamIndex && !(packet.flags & AV_PKT_FLAG_DISCARD)) {
        // Streams without pts (raw elementary streams) present in decode order.
        const pts = packet.pts !== NO_PTS ? packet.pts : packet.dts;
        frames.push({ pts, key: (packet.flags & AV_PKT_FLAG_KEY) !== 0, duration: packet.duration });
        totalBytes += packet.size;
      }
      packet.unref();
    }
  } finally {
    packet.free();
  }
  frames.sort((a, b) => (a.pts < b.pts ? -1 : a.pts > b.pts ? 1 : 0));
  const pts = frames.map((frame) => frame.pts);
  const keyframes: number[] = [];
  frames.forEach((frame, index) => frame.key && keyframes.push(index));
  const lastDuration = frames.length ? frames[frames.length - 1].duration : 0n;
  return { pts, keyframes, frameOfPts: new Map(pts.map((value, index) => [value, index])), lastDuration, totalBytes };
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
