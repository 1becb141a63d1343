/**
 * Every generated frame carries its own index as a barcode in a band across its top, so that any
 * decoder's output can be checked for being the right frame: after scaling down to 224 px, lossy
 * encoding and a JPEG round trip. Layout: 18 equal blocks, `[1][bit 15 .. bit 0][parity]`.
 */

const BITS = 16;
const BLOCKS = BITS + 2;
/** The band's height as a share of the frame's. */
const BAND_SHARE = 1 / 6;
const LUMA_ON = 235;
const LUMA_OFF = 16;
const CHROMA_NEUTRAL = 128;

function blockBits(index: number): number[] {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS) throw new RangeError(`frame index ${index} does not fit the stamp`);
  const bits = Array.from({ length: BITS }, (_, i) => (index >> (BITS - 1 - i)) & 1);
  const parity = bits.reduce((sum, bit) => sum + bit, 0) % 2;
  return [1, ...bits, parity];
}

/** Draws the stamp into a packed YUV420P picture (Y plane, then U, then V), in place. */
export function stampFrameIndex(yuv: Uint8Array, width: number, height: number, index: number): void {
  const bits = blockBits(index);
  const bandHeight = Math.max(2, Math.floor(height * BAND_SHARE)) & ~1;
  const chromaWidth = width >> 1;
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * (height >> 1);
  for (let block = 0; block < BLOCKS; block++) {
    const x0 = Math.floor((block * width) / BLOCKS) & ~1;
    const x1 = Math.floor(((block + 1) * width) / BLOCKS) & ~1;
    const luma = bits[block] ? LUMA_ON : LUMA_OFF;
    for (let y = 0; y < bandHeight; y++) yuv.fill(luma, y * width + x0, y * width + x1);
    for (let y = 0; y < bandHeight >> 1; y++) {
      yuv.fill(CHROMA_NEUTRAL, uOffset + y * chromaWidth + (x0 >> 1), uOffset + y * chromaWidth + (x1 >> 1));
      yuv.fill(CHROMA_NEUTRAL, vOffset + y * chromaWidth + (x0 >> 1), vOffset + y * chromaWidth + (x1 >> 1));
    }
  }
}

/** Reads the stamp back from packed RGB24 pixels; throws when it is unreadable. */
export function readFrameStamp(rgb: Uint8Array, width: number, height: number): number {
  const bandHeight = height * BAND_SHARE;
  const bits: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    // Sample the middle half of each block, away from edges that scaling and JPEG blur.
    const xa = Math.floor(((block + 0.25) * width) / BLOCKS);
    const xb = Math.max(xa + 1, Math.floor(((block + 0.75) * width) / BLOCKS));
    const ya = Math.floor(bandHeight * 0.25);
    const yb = Math.max(ya + 1, Math.floor(bandHeight * 0.75));
    let sum = 0;
    let count = 0;
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        const at = (y * width + x) * 3;
        sum += rgb[at] + rgb[at + 1] + rgb[at + 2];
        count += 3;
      }
    }
    bits.push(sum / count > 128 ? 1 : 0);
  }
  const [guard, ...rest] = bits;
  const parity = rest.pop();
  const value = rest.reduce((acc, bit) => (acc << 1) | bit, 0);
  if (guard !== 1 || parity !== rest.reduce((sum, bit) => sum + bit, 0) % 2) {
    throw new Error(`unreadable frame stamp (bits ${bits.join('')})`);
  }
  return value;
}
