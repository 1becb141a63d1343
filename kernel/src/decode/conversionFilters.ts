/**
 * The FFmpeg filters both backends turn decoded frames into RGB and JPEG pictures with: the libav
 * backend builds them into its own filter graph, the ffmpeg backend writes them into its
 * `-filter_complex`, so the two convert alike by construction.
 */

/** One filter of a chain, as FFmpeg's graph syntax writes it: `name=options`. */
export interface FilterStep {
  name: string;
  options: string;
}

/**
 * How a JPEG's YUV is coded: BT.601 at full range, what JFIF defines, whatever the video's own
 * matrix (left to itself, swscale would keep the video's matrix between two YUV formats).
 */
const JPEG_YUV = 'out_color_matrix=bt601:out_range=full';

/**
 * FFmpeg's `scale` filter, bicubic (the scaler the ffmpeg program inserts by default), and nothing
 * else: the filter then reads the input's matrix, range and chroma siting from each frame
 * (`in_color_matrix` and `in_range` are `auto`), and swscale takes its unscaled fast path exactly
 * where `ffmpeg -i video -pix_fmt rgb24` takes it, so the pixels equal that command's. With
 * `jpegYuv`, a YUV output is coded as a JPEG's.
 */
export function scaleStep(width: number, height: number, jpegYuv = false): FilterStep {
  return { name: 'scale', options: `${width}:${height}:flags=bicubic${jpegYuv ? `:${JPEG_YUV}` : ''}` };
}

/**
 * Semi-planar layouts, the ones GPU decoders download to (NVDEC: NV12, P010, P016), unpacked to
 * their planar equivalents before the conversion: a lossless rearrangement after which a GPU frame
 * takes the same swscale path as the CPU decoder's frame of the same samples. Converted straight,
 * NV12 misses the unscaled YUV 4:2:0 path and differs at the video's own size (up to 80 levels at
 * a few sharp chroma edges). Only names every FFmpeg since 4.0 knows: the ffmpeg backend's
 * program may be old.
 */
export const PLANAR_FIRST: FilterStep = { name: 'noformat', options: 'pix_fmts=nv12|nv21|nv16|nv24|nv42|p010le|p010be|p016le|p016be' };

/** Pins the pixel format at this point of the chain (by FFmpeg's name for it: `rgb24`). */
export function formatStep(pixelFormatName: string): FilterStep {
  return { name: 'format', options: `pix_fmts=${pixelFormatName}` };
}

/**
 * An RGB picture coded for a JPEG at its own size, full-range BT.601 4:2:0: the ffmpeg backend's
 * JPEG branch, which starts from the RGB picture its raw output shares (the libav backend codes
 * the decoded YUV directly unless it turned, cropped or padded the picture in RGB).
 */
export const JPEG_CODING: readonly FilterStep[] = [{ name: 'scale', options: `flags=bicubic:${JPEG_YUV}` }, formatStep('yuvj420p')];

/** A chain in FFmpeg's graph syntax. */
export function filterChain(steps: readonly FilterStep[]): string {
  return steps.map((step) => `${step.name}=${step.options}`).join(',');
}
