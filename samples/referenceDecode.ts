import { Codec, CodecContext, FormatContext, Frame, Packet } from 'node-av/lib';
import { AV_PIX_FMT_RGB24, AVERROR_EOF, AVMEDIA_TYPE_VIDEO } from 'node-av/constants';
import { FrameConverter } from '../kernel/src/decode/libav/frameConverter';

/**
 * Every frame of a video in presentation order, decoded front to back with no seeking and no
 * skipping: the reference that frame-exact extraction is checked against. Packed RGB24 at the size given.
 */
export async function decodeAllFrames(file: string, width: number, height: number): Promise<Uint8Array[]> {
  const input = new FormatContext();
  const decoder = new CodecContext();
  const packet = new Packet();
  const frame = new Frame();
  const converter = new FrameConverter(AV_PIX_FMT_RGB24, width, height);
  packet.alloc();
  frame.alloc();
  const frames: { pts: bigint; rgb: Uint8Array }[] = [];
  try {
    if ((await input.openInput(file, null, null)) < 0) throw new Error(`cannot open ${file}`);
    await input.findStreamInfo(null);
    const streamIndex = input.findBestStream(AVMEDIA_TYPE_VIDEO);
    const stream = input.streams[streamIndex];
    decoder.allocContext3(Codec.findDecoder(stream.codecpar.codecId));
    decoder.parametersToContext(stream.codecpar);
    decoder.pktTimebase = stream.timeBase;
    decoder.threadCount = 1;
    await decoder.open2(null, null);
    const drain = () => {
      while (decoder.receiveFrameSync(frame) >= 0) {
        const rgb = converter.convert(frame);
        frames.push({ pts: frame.pts, rgb: new Uint8Array(rgb.toBuffer()) });
        rgb.free();
        frame.unref();
      }
    };
    for (;;) {
      const code = input.readFrameSync(packet);
      if (code === AVERROR_EOF) break;
      if (packet.streamIndex === streamIndex) decoder.sendPacketSync(packet);
      packet.unref();
      drain();
    }
    decoder.sendPacketSync(null);
    drain();
  } finally {
    converter.free();
    decoder.freeContext();
    input.closeInputSync();
    packet.free();
    frame.free();
  }
  return frames.sort((a, b) => (a.pts < b.pts ? -1 : a.pts > b.pts ? 1 : 0)).map((entry) => entry.rgb);
}

/** Mean absolute difference of two RGB buffers, per channel value. */
export function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}
