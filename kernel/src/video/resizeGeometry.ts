import { checkInterpolation, type Interpolation } from './interpolation';
import { evenSide, outputSize } from './outputSize';
import { orientedSize, type Orientation } from './pictureOrientation';

/** How a picture is fitted into a `resize` box. */
export type ResizeFit = 'stretch' | 'cover' | 'contain';
export const RESIZE_FITS: readonly ResizeFit[] = ['stretch', 'cover', 'contain'];

/**
 * A fixed output size: `stretch` scales to exactly width x height (aspect not kept); `cover`
 * scales to fill the box and crops the overflow around the centre; `contain` scales to fit
 * inside the box and pads around the centre with black.
 */
export interface ResizeRequest {
  width: number;
  height: number;
  fit: ResizeFit;
}

/**
 * Where the scaled picture goes: for `crop`, the top-left corner of the window kept out of the
 * scaled picture; for `pad`, the top-left corner at which the scaled picture lies in the black frame.
 */
export interface Placement {
  kind: 'crop' | 'pad';
  x: number;
  y: number;
}

/**
 * What a frame request does to a picture: scale the stored picture so that, turned by
 * `orientation` (absent: as stored), it is `scaleWidth` x `scaleHeight`; turn it; then place it,
 * giving `width` x `height`. Every size here is of the picture as displayed.
 */
export interface FrameGeometry {
  width: number;
  height: number;
  scaleWidth: number;
  scaleHeight: number;
  placement?: Placement;
  orientation?: Orientation;
  /** How the scale step resamples (absent: bicubic). */
  interpolation?: Interpolation;
}

/** The size the stored picture is scaled to: the scale size before the orientation turns it. */
export function storedScaleSize(geometry: FrameGeometry): { width: number; height: number } {
  const scaled = { width: geometry.scaleWidth, height: geometry.scaleHeight };
  return geometry.orientation ? orientedSize(scaled, geometry.orientation) : scaled;
}

/** Whole, even, >= 2: the delivered frame is encoded as 4:2:0 JPEG, whose chroma planes halve both sides. */
function checkSide(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 2 || value % 2 !== 0) {
    throw new RangeError(`resize.${name} must be an even whole number of pixels >= 2, got ${value}`);
  }
}

export function checkResize(resize: ResizeRequest): void {
  checkSide('width', resize.width);
  checkSide('height', resize.height);
  if (!RESIZE_FITS.includes(resize.fit)) throw new RangeError(`resize.fit must be one of ${RESIZE_FITS.join(', ')}, got ${String(resize.fit)}`);
}

/**
 * The offset that centres `inner` in `outer`, rounded down to even: a 4:2:0 picture can be cut or
 * placed only at even offsets (ffmpeg's crop and pad filters round odd ones down), so both backends
 * use the even one and the picture sits at most one pixel left of / above the exact centre.
 */
const centred = (outer: number, inner: number) => 2 * Math.floor((outer - inner) / 4);

/**
 * The scale size and crop/pad rectangle of `resize` for a `width` x `height` source. The scaled
 * side that the fit does not pin to the box is rounded to even (and, for cover, kept >= the box;
 * for contain, <= it), so a crop or pad never has a negative margin.
 */
export function resizeGeometry(width: number, height: number, resize: ResizeRequest): FrameGeometry {
  checkResize(resize);
  const box = { width: resize.width, height: resize.height };
  if (resize.fit === 'stretch') return { ...box, scaleWidth: box.width, scaleHeight: box.height };
  const cover = resize.fit === 'cover';
  const scale = (cover ? Math.max : Math.min)(box.width / width, box.height / height);
  const bound = (target: number, exact: number) => (cover ? Math.max(target, evenSide(exact)) : Math.min(target, evenSide(exact)));
  const scaleWidth = bound(box.width, width * scale);
  const scaleHeight = bound(box.height, height * scale);
  if (scaleWidth === box.width && scaleHeight === box.height) return { ...box, scaleWidth, scaleHeight };
  const placement: Placement = cover
    ? { kind: 'crop', x: centred(scaleWidth, box.width), y: centred(scaleHeight, box.height) }
    : { kind: 'pad', x: centred(box.width, scaleWidth), y: centred(box.height, scaleHeight) };
  return { ...box, scaleWidth, scaleHeight, placement };
}

/**
 * The geometry of a frame request on a `width` x `height` source, the one rule both decoding
 * backends follow: `size` (shorter side), `resize` (a box and a fit), or neither (the source size).
 */
export function frameGeometry(width: number, height: number, request: { size?: number; resize?: ResizeRequest; interpolation?: Interpolation }): FrameGeometry {
  if (request.size !== undefined && request.resize !== undefined) {
    throw new RangeError('a frame request takes size (the shorter side, aspect kept) or resize ({ width, height, fit }), not both');
  }
  const { interpolation } = request;
  if (interpolation !== undefined) checkInterpolation(interpolation);
  const resampling = interpolation !== undefined ? { interpolation } : {};
  if (request.resize) return { ...resizeGeometry(width, height, request.resize), ...resampling };
  const scaled = outputSize(width, height, request.size);
  return { ...scaled, scaleWidth: scaled.width, scaleHeight: scaled.height, ...resampling };
}
