import { Packet, type FormatContext } from 'node-av/lib';
import { AVERROR_EOF, AVSEEK_FLAG_BACKWARD, AVSEEK_FLAG_BYTE } from 'node-av/constants';
import { avCheck } from './avCheck';
import { NO_PTS, type KeptPackets, type PacketIndex } from './packetIndex';

/** A place to start decoding from to reach frame `keyframe`'s GOP. */
export interface StartPoint {
  keyframe: number;
  /** Demuxer: the stream time to seek to. Kept packets: the position in decode order. */
  at: bigint | number;
}

/**
 * Where a decoder gets one stream's packets, in decode order, and how it gets back to a keyframe.
 * A place may prove wrong (decoding from it gives the keyframe's frame late or not at all): the
 * caller then tries the next one of `startPoints`.
 */
export interface PacketFeed {
  /** Places that lead to `keyframe`'s frame, best first; later ones start further back. */
  startPoints(keyframe: number): Iterator<StartPoint>;
  moveTo(point: StartPoint): void;
  /** Back to the stream's first packet, by position, not by timestamp (which may repeat or be missing). */
  rewind(): void;
  /** Decoding from `point` missed its keyframe and `next` is tried instead. */
  missed(point: StartPoint, next: StartPoint | undefined): void;
  /** The next packet, valid until the next call; undefined at the end of the stream. */
  next(): Packet | undefined;
  free(): void;
}

/** The keyframes at or before `keyframe`, latest first, ending with the first frame (not always a keyframe: an edit list may hide the one before it). */
function keyframesBack(keys: readonly number[], keyframe: number): number[] {
  const frames = keys.filter((frame) => frame <= keyframe).reverse();
  if (frames[frames.length - 1] !== 0) frames.push(0);
  return frames;
}

/** Packets read from the demuxer, which seeks to reach a keyframe (any length of video). */
export class DemuxerFeed implements PacketFeed {
  /** Set once seeking to a keyframe's pts landed after it and its dts did not (MPEG-TS). */
  private seeksByDts = false;
  private readonly packet = new Packet();
  /** Whether `packet` holds one read ahead (to check where a rewind landed), for `next` to give first. */
  private readAhead = false;

  constructor(
    private readonly input: FormatContext,
    private readonly streamIndex: number,
    private readonly index: Pick<PacketIndex, 'pts' | 'dts' | 'keyframes' | 'firstPacket'>,
    private readonly file: string,
  ) {
    this.packet.alloc();
  }

  /**
   * Its pts (what most demuxers seek by), its dts (what MPEG-TS seeks by; first once this demuxer
   * has shown it), then the same for each keyframe before it.
   */
  *startPoints(keyframe: number): Generator<StartPoint> {
    const { pts, dts } = this.index;
    for (const frame of keyframesBack(this.index.keyframes, keyframe)) {
      const times = this.seeksByDts ? [dts[frame], pts[frame]] : [pts[frame], dts[frame]];
      yield { keyframe: frame, at: times[0] };
      if (times[1] !== times[0]) yield { keyframe: frame, at: times[1] };
    }
  }

  moveTo(point: StartPoint): void {
    this.packet.unref();
    this.readAhead = false;
    avCheck(this.input.seekFrameSync(this.streamIndex, BigInt(point.at), AVSEEK_FLAG_BACKWARD), `cannot seek to frame ${point.keyframe} in`, this.file);
  }

  /**
   * By byte where timestamps may jump back or be missing (MPEG-TS, AVI, raw streams); by time where a
   * byte seek to 0 leaves the demuxer reading nothing (Matroska). The first packet read tells which
   * one landed on the stream's first packet.
   */
  rewind(): void {
    const { pos, dts } = this.index.firstPacket;
    const seeks = [() => this.input.seekFrameSync(this.streamIndex, 0n, AVSEEK_FLAG_BYTE), () => this.input.seekFrameSync(this.streamIndex, dts === NO_PTS ? 0n : dts, AVSEEK_FLAG_BACKWARD)];
    for (const seek of seeks) {
      this.packet.unref();
      this.readAhead = false;
      if (seek() >= 0 && this.next()?.pos === pos) {
        this.readAhead = true;
        return;
      }
    }
    throw new Error(`cannot go back to the start of ${this.file}: its demuxer lands elsewhere, by byte and by time`);
  }

  missed(point: StartPoint, next: StartPoint | undefined): void {
    if (next?.keyframe === point.keyframe) this.seeksByDts = true;
  }

  next(): Packet | undefined {
    if (this.readAhead) {
      this.readAhead = false;
      return this.packet;
    }
    for (;;) {
      this.packet.unref();
      const read = this.input.readFrameSync(this.packet);
      if (read === AVERROR_EOF) return undefined;
      avCheck(read, 'cannot read', this.file);
      if (this.packet.streamIndex === this.streamIndex) return this.packet;
    }
  }

  free(): void {
    this.packet.free();
  }
}

/**
 * The packets the packet index read, kept (a short video's are a few hundred kilobytes): decoding
 * reads them again without a second pass through the demuxer, and reaching a keyframe is exact, no
 * seek that might land elsewhere.
 */
export class KeptPacketFeed implements PacketFeed {
  private position = 0;

  constructor(
    private readonly kept: KeptPackets,
    private readonly keyframes: readonly number[],
  ) {}

  /** The keyframe's own packet, then those of the keyframes before it; the first frame from the stream's first packet. */
  *startPoints(keyframe: number): Generator<StartPoint> {
    for (const frame of keyframesBack(this.keyframes, keyframe)) {
      yield { keyframe: frame, at: frame === 0 ? 0 : this.kept.positionOfFrame[frame] };
    }
  }

  moveTo(point: StartPoint): void {
    this.position = Number(point.at);
  }

  rewind(): void {
    this.position = 0;
  }

  missed(): void {
    // Positions are exact: another start point is only further back.
  }

  next(): Packet | undefined {
    return this.kept.packets[this.position++];
  }

  free(): void {
    for (const packet of this.kept.packets) packet.free();
    this.kept.packets.length = 0;
  }
}
