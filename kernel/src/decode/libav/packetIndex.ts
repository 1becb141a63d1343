import { FormatContext, Packet } from 'node-av/lib';
import { AV_PKT_FLAG_DISCARD, AV_PKT_FLAG_KEY, AVERROR_EOF } from 'node-av/constants';
import { avCheck } from './avCheck';
import { checkDistinctPts, framePts, NO_PTS } from '../presentationOrder';

export { NO_PTS };

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

/** A short video's packets as the index read them: all of the stream's, in decode order. */
export interface KeptPackets {
  packets: Packet[];
  /** Where frame i's packet stands in `packets`. */
  positionOfFrame: number[];
}

/** How much of a video's packets the index may keep for decoding (a longer video is read again). */
export interface KeepLimit {
  bytes: number;
  packets: number;
}

/** A frame as the packet index first sees it, in decode order. */
interface IndexedPacket {
  pts: bigint;
  dts: bigint;
  key: boolean;
  duration: bigint;
  /** Position among the stream's packets in decode order. */
  position: number;
}

/** Clones the stream's packets within `limit`; once past it, frees them and keeps none. */
class PacketKeeper {
  private packets: Packet[] | undefined = [];
  private bytes = 0;

  constructor(private readonly limit: KeepLimit) {}

  add(packet: Packet): void {
    if (!this.packets) return;
    this.bytes += packet.size;
    const clone = this.packets.length < this.limit.packets && this.bytes <= this.limit.bytes ? packet.clone() : null;
    if (clone) this.packets.push(clone);
    else this.drop();
  }

  drop(): void {
    for (const kept of this.packets ?? []) kept.free();
    this.packets = undefined;
  }

  result(frames: IndexedPacket[]): KeptPackets | undefined {
    return this.packets && { packets: this.packets, positionOfFrame: frames.map((frame) => frame.position) };
  }
}

/**
 * Reads every packet of `streamIndex` once. Packets that the demuxer flags discard (before the
 * start of an mp4 edit list) are decoded for reference but never presented, so they are no frames.
 * Leaves the demuxer at the end of the file: the caller seeks before decoding, unless the packets
 * were kept (`keep`, within its limit), which decoding then reads instead.
 */
export function readPacketIndex(input: FormatContext, streamIndex: number, file: string, keep?: KeepLimit): { index: PacketIndex; kept?: KeptPackets } {
  const packet = new Packet();
  packet.alloc();
  const keeper = keep && new PacketKeeper(keep);
  const frames: IndexedPacket[] = [];
  let totalBytes = 0;
  let withoutPts = 0;
  let position = 0;
  try {
    for (;;) {
      const code = input.readFrameSync(packet);
      if (code === AVERROR_EOF) break;
      avCheck(code, 'cannot read the packets of', file);
      if (packet.streamIndex === streamIndex) {
        keeper?.add(packet);
        if (!(packet.flags & AV_PKT_FLAG_DISCARD)) {
          if (packet.pts === NO_PTS) withoutPts++;
          const pts = framePts(packet.pts, packet.dts);
          frames.push({ pts, dts: packet.dts !== NO_PTS ? packet.dts : pts, key: (packet.flags & AV_PKT_FLAG_KEY) !== 0, duration: packet.duration, position });
          totalBytes += packet.size;
        }
        position++;
      }
      packet.unref();
    }
    frames.sort((a, b) => (a.pts < b.pts ? -1 : a.pts > b.pts ? 1 : 0));
    const index = indexOf(frames, totalBytes, withoutPts > 0 && input.streams[streamIndex].codecpar.videoDelay > 0, file);
    return { index, kept: keeper?.result(frames) };
  } catch (error) {
    keeper?.drop();
    throw error;
  } finally {
    packet.free();
  }
}

/** The index of frames sorted by pts; refused when their pts cannot tell them apart. */
function indexOf(frames: IndexedPacket[], totalBytes: number, unordered: boolean, file: string): PacketIndex {
  const pts = frames.map((frame) => frame.pts);
  checkDistinctPts(pts, unordered, file);
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

/**
 * Wanted frames (ascending) in runs that one decoder position serves: the next frame joins the
 * run when no keyframe lies after the previous one and at or before it (decoding on reaches it);
 * otherwise reaching it takes a seek, and a new run starts.
 */
export function seekFreeRuns(keys: readonly number[], wanted: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const frame of wanted) {
    const run = runs.at(-1);
    if (run && keyframeAtOrBefore(keys, frame) <= run[run.length - 1] + 1) run.push(frame);
    else runs.push([frame]);
  }
  return runs;
}
