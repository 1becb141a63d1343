import { FormatContext, Packet } from 'node-av/lib';
import { AV_PKT_FLAG_DISCARD, AV_PKT_FLAG_KEY, AVERROR_EOF, AVFMT_TS_DISCONT } from 'node-av/constants';
import { avCheck } from './avCheck';
import type { FrameOrder } from '../videoDescription';
import { fileOrderReason, framePts, NO_PTS } from '../presentationOrder';

export { NO_PTS };

/**
 * Every frame of one video stream, in presentation order, read from the packets without decoding
 * (torchcodec's "exact" mode does the same): the frame count comes from here, never from the header.
 * A stream whose packets cannot say that order (`order: 'file'`) is indexed by one decoding pass
 * instead (outputOrderIndex.ts): its frames are numbered as the decoder puts them out. A stream cut
 * inside a GOP stays in presentation order, without the frames the decoder cannot put out.
 */
export interface PacketIndex {
  order: FrameOrder;
  /** Why the frames are numbered in file order, in the user's terms (only in file order). */
  fileOrderReason?: string;
  /**
   * Presentation timestamps in stream time base, ascending; frame i has `pts[i]`. In file order,
   * the decoder's timestamps made monotonic (outputOrderIndex.ts), filled in by the decoding pass.
   */
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
  /** The stream's first packet (discarded or not): where a rewind must land. */
  firstPacket: { pos: bigint; dts: bigint };
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

/**
 * The packets a video's index may keep for decoding: a few hundred frames of a short clip cost
 * little memory and save a second pass through the demuxer; a longer video is read again.
 */
export const DEFAULT_KEEP_LIMIT: KeepLimit = { bytes: 8 * 2 ** 20, packets: 10_000 };

/** A video that was read, and whose frames still cannot be numbered: no other reader does better. */
export class UnindexableVideoError extends Error {}

/**
 * Decodes a stream's first `packets` packets (all: undefined) from its first one, drained at the
 * end, and gives the pts of the frames the decoder put out.
 */
export type LeadingDecode = (packets: number | undefined, kept: KeptPackets | undefined, firstPacket: PacketIndex['firstPacket']) => Set<bigint>;

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
 * were kept (`keep`, within its limit), which decoding then reads instead. A stream that does not
 * start with a keyframe has its first GOP decoded (`decodeLeading`) to know which frames it shows.
 */
export function readPacketIndex(input: FormatContext, streamIndex: number, file: string, decodeLeading: LeadingDecode, keep?: KeepLimit): { index: PacketIndex; kept?: KeptPackets } {
  const packet = new Packet();
  packet.alloc();
  const keeper = keep && new PacketKeeper(keep);
  const frames: IndexedPacket[] = [];
  let totalBytes = 0;
  let withoutPts = 0;
  let position = 0;
  let first = { key: true, pos: -1n, dts: NO_PTS };
  try {
    for (;;) {
      const code = input.readFrameSync(packet);
      if (code === AVERROR_EOF) break;
      avCheck(code, 'cannot read the packets of', file);
      if (packet.streamIndex === streamIndex) {
        keeper?.add(packet);
        // The first packet counts even when discarded: an edit list may hide the keyframe it starts with.
        if (position === 0) first = { key: (packet.flags & AV_PKT_FLAG_KEY) !== 0, pos: packet.pos, dts: packet.dts };
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
    const reordered = withoutPts > 0 && input.streams[streamIndex].codecpar.videoDelay > 0;
    const discontinuous = ((input.iformat?.flags ?? 0) & AVFMT_TS_DISCONT) !== 0;
    const reason = fileOrderReason(frames, { reordered, discontinuous });
    const firstPacket = { pos: first.pos, dts: first.dts };
    if (reason) return { index: fileOrderIndex(reason, totalBytes, firstPacket), kept: keeper?.result(frames) };
    const shown = first.key ? frames : framesShownAfterCut(frames, decodeLeading, keeper?.result(frames), firstPacket, file);
    shown.sort((a, b) => (a.pts < b.pts ? -1 : a.pts > b.pts ? 1 : 0));
    return { index: indexOf(shown, totalBytes, firstPacket), kept: keeper?.result(shown) };
  } catch (error) {
    keeper?.drop();
    throw error;
  } finally {
    packet.free();
  }
}

/**
 * The frames of a video cut inside a GOP that FFmpeg's decoder shows: of those before the second
 * keyframe (in decode order), only the ones it puts out decoding from the first packet (none
 * before the first keyframe, which it cannot decode); from that keyframe on, every frame, as in
 * any video. Decoding one GOP tells exactly, where a rule on packets would guess at open GOPs.
 */
function framesShownAfterCut(frames: IndexedPacket[], decodeLeading: LeadingDecode, kept: KeptPackets | undefined, firstPacket: PacketIndex['firstPacket'], file: string): IndexedPacket[] {
  const secondKey = frames.filter((frame) => frame.key)[1]?.position;
  const decoded = decodeLeading(secondKey, kept, firstPacket);
  const shown = frames.filter((frame) => (secondKey !== undefined && frame.position >= secondKey) || decoded.has(frame.pts));
  if (!shown.length) throw new UnindexableVideoError(`cannot index the frames of ${file}: it does not start with a keyframe (cut inside a GOP), and decoding it from its start gives no frame`);
  return shown;
}

/** The index of a stream numbered in file order, before the decoding pass fills in its frames. */
function fileOrderIndex(reason: string, totalBytes: number, firstPacket: PacketIndex['firstPacket']): PacketIndex {
  return { order: 'file', fileOrderReason: reason, pts: [], dts: [], keyframes: [], frameOfPts: new Map(), lastDuration: 0n, totalBytes, firstPacket };
}

/** The index of frames sorted by pts, all distinct. */
function indexOf(frames: IndexedPacket[], totalBytes: number, firstPacket: PacketIndex['firstPacket']): PacketIndex {
  const pts = frames.map((frame) => frame.pts);
  const keyframes: number[] = [];
  frames.forEach((frame, index) => frame.key && keyframes.push(index));
  const lastDuration = frames.length ? frames[frames.length - 1].duration : 0n;
  return { order: 'presentation', pts, dts: frames.map((frame) => frame.dts), keyframes, frameOfPts: new Map(pts.map((value, index) => [value, index])), lastDuration, totalBytes, firstPacket };
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
