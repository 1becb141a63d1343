import { Frame } from 'node-av/lib';
import { AV_PIX_FMT_RGB24 } from 'node-av/constants';
import { DEFAULT_JPEG_QUALITY } from '../jpegFiles';
import { storedScaleSize, type FrameGeometry } from '../../video/resizeGeometry';
import { orientRgb } from '../../video/orientRgb';
import { placeRgb } from '../../video/placeRgb';
import { avCheck } from './avCheck';
import { FrameConverter } from './frameConverter';
import { JpegEncoder } from './jpegEncoder';

/**
 * What a decoded picture becomes for the caller: RGB pixels at the output size and JPEGs, with
 * one scaler and one encoder kept per size (and quality) for the source's lifetime.
 */
export class FrameOutputs {
  private readonly converters = new Map<string, FrameConverter>();
  private readonly jpegEncoders = new Map<string, JpegEncoder>();
  /** Turned, cropped or padded pictures as frames, for the JPEG encoder; one per output size. */
  private readonly placedFrames = new Map<string, Frame>();

  constructor(private readonly file: string) {}

  /**
   * The picture scaled so that, turned, it has the geometry's scale size; turned upright; then
   * cropped or padded to its output size (the order the ffmpeg backend's filters follow too).
   */
  rgb(picture: Frame, geometry: FrameGeometry): Uint8Array {
    const stored = storedScaleSize(geometry);
    const key = `${stored.width}x${stored.height}`;
    let converter = this.converters.get(key);
    if (!converter) this.converters.set(key, (converter = new FrameConverter(AV_PIX_FMT_RGB24, stored.width, stored.height, { file: this.file })));
    const rgb = converter.convertToBuffer(picture);
    const scaled = new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength);
    const upright = geometry.orientation ? orientRgb(scaled, stored.width, stored.height, geometry.orientation) : scaled;
    return placeRgb(upright, geometry);
  }

  /**
   * The picture as JPEG bytes at the output size. A turn, crop or pad goes through the RGB picture
   * `rgb` returns; otherwise the encoder scales the picture itself.
   */
  jpeg(picture: Frame, geometry: FrameGeometry, quality = DEFAULT_JPEG_QUALITY): Buffer {
    const key = `${geometry.width}x${geometry.height}q${quality}`;
    let encoder = this.jpegEncoders.get(key);
    if (!encoder) this.jpegEncoders.set(key, (encoder = new JpegEncoder(geometry.width, geometry.height, quality, this.file)));
    const reshaped = geometry.placement !== undefined || geometry.orientation !== undefined;
    return encoder.encode(reshaped ? this.placedFrame(picture, geometry) : picture, this.file);
  }

  free(): void {
    for (const converter of this.converters.values()) converter.free();
    for (const encoder of this.jpegEncoders.values()) encoder.free();
    for (const frame of this.placedFrames.values()) frame.free();
  }

  private placedFrame(picture: Frame, geometry: FrameGeometry): Frame {
    const key = `${geometry.width}x${geometry.height}`;
    let frame = this.placedFrames.get(key);
    if (!frame) {
      frame = new Frame();
      frame.alloc();
      frame.width = geometry.width;
      frame.height = geometry.height;
      frame.format = AV_PIX_FMT_RGB24;
      frame.allocBuffer();
      this.placedFrames.set(key, frame);
    } else if (!frame.isWritable) frame.makeWritable();
    const rgb = this.rgb(picture, geometry);
    avCheck(frame.fromBuffer(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength)), 'cannot hold the resized frame of', this.file);
    return frame;
  }
}
