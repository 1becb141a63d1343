/**
 * Every generated frame carries its own index as a barcode in a band across its top, so that any
 * decoder's output can be checked for being the right frame: after scaling down to 224 px, lossy
 * encoding and a JPEG round trip. Layout: 18 equal blocks, `[1][bit 15 .. bit 0][parity]`, each
 * block black or white over the band's full height.
 */

/** Bits of the frame index the stamp carries, most significant first. */
export const STAMP_BITS = 16;
const BLOCKS = STAMP_BITS + 2;
/** The band's height as a share of the frame's. */
const BAND_SHARE = 1 / 6;
const LUMA_ON = 235;
const LUMA_OFF = 16;
const CHROMA_NEUTRAL = 128;
/**
 * Read back, a block's mean sits within about 15 of black or white (measured after 112 px, HEVC and
 * JPEG at qscale 15). A mean between these bounds is a picture that is not one stamped frame: a blend
 * of two frames, a grey or green picture from a failed decode, a band scaled or cropped away.
 */
const DARK_AT_MOST = 80;
const BRIGHT_AT_LEAST = 176;

function blockBits(index: number): number[] {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** STAMP_BITS) throw new RangeError(`frame index ${index} does not fit the stamp (0..${2 ** STAMP_BITS - 1})`);
  const bits = Array.from({ length: STAMP_BITS }, (_, i) => (index >> (STAMP_BITS - 1 - i)) & 1);
  const parity = bits.reduce((sum, bit) => sum + bit, 0) % 2;
  return [1, ...bits, parity];
}

/** Where the stamp lies in a picture of even size: the band's height, each block's columns [x0, x1). */
export function stampLayout(width: number, height: number): { bandHeight: number; blocks: { x0: number; x1: number }[] } {
  const bandHeight = Math.max(2, Math.floor(height * BAND_SHARE)) & ~1;
  // Block edges on even columns, so each block's chroma covers exactly its own pixels.
  const blocks = Array.from({ length: BLOCKS }, (_, block) => ({ x0: Math.floor((block * width) / BLOCKS) & ~1, x1: Math.floor(((block + 1) * width) / BLOCKS) & ~1 }));
  return { bandHeight, blocks };
}

/** Draws the stamp into a packed YUV420P picture (Y plane, then U, then V) of even size, in place. */
export function stampFrameIndex(yuv: Uint8Array, width: number, height: number, index: number): void {
  if (width % 2 || height % 2) throw new RangeError(`a YUV 4:2:0 picture needs an even size, not ${width}x${height}`);
  if (yuv.length < (width * height * 3) / 2) throw new RangeError(`${yuv.length} bytes cannot hold a ${width}x${height} YUV 4:2:0 picture`);
  const bits = blockBits(index);
  const { bandHeight, blocks } = stampLayout(width, height);
  const chromaWidth = width >> 1;
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * (height >> 1);
  blocks.forEach(({ x0, x1 }, block) => {
    const luma = bits[block] ? LUMA_ON : LUMA_OFF;
    for (let y = 0; y < bandHeight; y++) yuv.fill(luma, y * width + x0, y * width + x1);
    for (let y = 0; y < bandHeight >> 1; y++) {
      yuv.fill(CHROMA_NEUTRAL, uOffset + y * chromaWidth + (x0 >> 1), uOffset + y * chromaWidth + (x1 >> 1));
      yuv.fill(CHROMA_NEUTRAL, vOffset + y * chromaWidth + (x0 >> 1), vOffset + y * chromaWidth + (x1 >> 1));
    }
  });
}

/** Mean brightness (0..255) of each block, sampled over its middle, away from edges that scaling and JPEG blur. */
function blockLevels(rgb: Uint8Array, width: number, height: number): number[] {
  const bandHeight = height * BAND_SHARE;
  const ya = Math.floor(bandHeight * 0.25);
  const yb = Math.max(ya + 1, Math.floor(bandHeight * 0.75));
  return Array.from({ length: BLOCKS }, (_, block) => {
    const xa = Math.floor(((block + 0.25) * width) / BLOCKS);
    const xb = Math.max(xa + 1, Math.floor(((block + 0.75) * width) / BLOCKS));
    let sum = 0;
    for (let y = ya; y < yb; y++) {
      for (let at = (y * width + xa) * 3; at < (y * width + xb) * 3; at++) sum += rgb[at];
    }
    return sum / ((yb - ya) * (xb - xa) * 3);
  });
}

/** Reads the stamp back from packed RGB24 pixels; throws when it is unreadable. */
export function readFrameStamp(rgb: Uint8Array, width: number, height: number): number {
  if (rgb.length < width * height * 3) throw new RangeError(`${rgb.length} bytes cannot hold a ${width}x${height} RGB24 picture`);
  const levels = blockLevels(rgb, width, height);
  const unclear = levels.findIndex((level) => level > DARK_AT_MOST && level < BRIGHT_AT_LEAST);
  if (unclear >= 0) throw new Error(`unreadable frame stamp: block ${unclear} is neither black nor white (mean ${levels[unclear].toFixed(0)})`);
  const bits: number[] = levels.map((level) => (level >= BRIGHT_AT_LEAST ? 1 : 0));
  const [guard, ...rest] = bits;
  const parity = rest.pop();
  const value = rest.reduce((acc, bit) => (acc << 1) | bit, 0);
  if (guard !== 1 || parity !== rest.reduce((sum, bit) => sum + bit, 0) % 2) {
    throw new Error(`unreadable frame stamp: bits ${bits.join('')} fail the guard or parity check`);
  }
  return value;
}
