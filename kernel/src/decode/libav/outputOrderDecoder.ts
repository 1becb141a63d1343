import type { Codec, CodecContext, Frame, Stream } from 'node-av/lib';
import { AVERROR_EAGAIN, AVERROR_EOF, AVERROR_INVALIDDATA } from 'node-av/constants';
import { avCheck } from './avCheck';
import type { PacketFeed } from './packetFeed';

/** Gives `decoder` the stream's parameters and time base, ready to open. */
export function configureDecoder(decoder: CodecContext, codec: Codec, stream: Stream, threads: number, file: string): void {
  decoder.allocContext3(codec);
  avCheck(decoder.parametersToContext(stream.codecpar), 'cannot configure the decoder for', file);
  decoder.pktTimebase = stream.timeBase;
  decoder.threadCount = threads;
}

/**
 * Decodes a stream numbered in file order: frame i is the decoder's i-th output from the first
 * packet on, so the only way to a frame is decoding from the start, counting outputs (a seek would
 * lose the count). Requests in ascending order decode on; an earlier frame starts over. Nothing is
 * skipped either: a skipped non-reference frame would not be output, and the count would shift.
 */
export class OutputOrderDecoder {
  /** Output number of the frame the decoder puts out next; undefined before the start or once drained. */
  private nextOutput?: number;
  /** Packets still to send before the decoder is drained (the end of the stream comes first, mostly). */
  private packetsLeft = Infinity;

  constructor(
    private readonly decoder: CodecContext,
    private readonly feed: PacketFeed,
    /** Where each output frame lands; valid until the next one is decoded. */
    private readonly picture: Frame,
    private readonly file: string,
  ) {}

  /** Calls `deliver` for each of `wanted` (ascending, distinct) while `picture` holds that frame. */
  decodeFrames(wanted: readonly number[], deliver: (frame: number) => void): void {
    if (!wanted.length) return;
    if (this.nextOutput === undefined || this.nextOutput > wanted[0]) this.startOver();
    for (const target of wanted) {
      for (;;) {
        const frame = this.nextFrame();
        if (frame === undefined) throw new Error(`cannot decode frame ${target} of ${this.file}: decoding it from its start gave fewer frames (the file may be damaged)`);
        if (frame === target) break;
      }
      deliver(target);
    }
  }

  /** Decodes the stream from its first packet (only `packets` of them when given), calling `visit` with every frame put out. */
  decodeAll(visit: (picture: Frame) => void, packets?: number): void {
    this.startOver();
    this.packetsLeft = packets ?? Infinity;
    while (this.nextFrame() !== undefined) visit(this.picture);
  }

  private startOver(): void {
    this.feed.rewind();
    this.decoder.flushBuffers();
    this.nextOutput = 0;
    this.packetsLeft = Infinity;
  }

  /** The output number of the next frame out (then in `picture`), or undefined at the end of the stream. */
  private nextFrame(): number | undefined {
    this.picture.unref();
    for (;;) {
      const received = this.decoder.receiveFrameSync(this.picture);
      if (received >= 0 && this.nextOutput !== undefined) return this.nextOutput++;
      if (received === AVERROR_EOF) {
        this.nextOutput = undefined;
        return undefined;
      }
      // A damaged packet (or one before the stream's parameter sets) costs its frame, not the video,
      // as in FFmpeg: the decoder puts out no frame for it (said when sent, or with frame threads, here).
      if (received === AVERROR_INVALIDDATA) continue;
      if (received !== AVERROR_EAGAIN) avCheck(received, 'cannot decode', this.file);
      const packet = this.packetsLeft-- > 0 ? this.feed.next() : undefined;
      const sent = this.decoder.sendPacketSync(packet ?? null);
      if (sent !== AVERROR_INVALIDDATA) avCheck(sent, 'cannot decode', this.file);
    }
  }
}
