import { AV_PIX_FMT_RGB24 } from 'node-av/constants';
import { FrameConverter } from '../kernel/src/decode/libav/frameConverter';
import { decodeFrontToBack } from '../kernel/src/decode/libav/frontToBackDecode';
import { pixelDifference } from '../kernel/src/verify/frameComparison';

/**
 * Every frame of a video in presentation order, decoded front to back with no seeking and no
 * skipping: the reference that frame-exact extraction is checked against. Packed RGB24 at the size given.
 */
export async function decodeAllFrames(file: string, width: number, height: number): Promise<Uint8Array[]> {
  const converter = new FrameConverter(AV_PIX_FMT_RGB24, width, height);
  const frames: { pts: bigint; rgb: Uint8Array }[] = [];
  try {
    decodeFrontToBack(file, (picture) => {
      frames.push({ pts: picture.pts, rgb: new Uint8Array(converter.convertToBuffer(picture)) });
    });
  } finally {
    converter.free();
  }
  return frames.sort((a, b) => (a.pts < b.pts ? -1 : a.pts > b.pts ? 1 : 0)).map((entry) => entry.rgb);
}

/** Mean absolute difference of two RGB buffers, per channel value; Infinity when their sizes differ. */
export function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  return a.length === b.length ? pixelDifference(a, b).mean : Infinity;
}
