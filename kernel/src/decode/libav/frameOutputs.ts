import { Frame } from 'node-av/lib';
import { AV_PIX_FMT_RGB24 } from 'node-av/constants';
import { DEFAULT_JPEG_QUALITY } from '../jpegFiles';
import type { FrameGeometry } from '../../video/resizeGeometry';
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
  /** Cropped or padded pictures as frames, for the JPEG encoder; one per output size. */
  private readonly placedFrames = new Map<string, Frame>();

  constructor(private readonly file: string) {}

  /** The picture scaled to the geometry's scale size, then cropped or padded to its output size. */
  rgb(picture: Frame, geometry: FrameGeometry): Uint8Array {
    const key = `${geometry.scaleWidth}x${geometry.scaleHeight}`;
    let converter = this.converters.get(key);
    if (!converter) this.converters.set(key, (converter = new FrameConverter(AV_PIX_FMT_RGB24, geometry.scaleWidth, geometry.scaleHeight)));
    const rgb = converter.convertToBuffer(picture);
    return placeRgb(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength), geometry);
  }

  /**
   * The picture as JPEG bytes at the output size. A crop or pad goes through the placed RGB
   * picture, the same pixels `rgb` returns; otherwise the encoder scales the picture itself.
   */
  jpeg(picture: Frame, geometry: FrameGeometry, quality = DEFAULT_JPEG_QUALITY): Buffer {
    const key = `${geometry.width}x${geometry.height}q${quality}`;
    let encoder = this.jpegEncoders.get(key);
    if (!encoder) this.jpegEncoders.set(key, (encoder = new JpegEncoder(geometry.width, geometry.height, quality, this.file)));
    return encoder.encode(geometry.placement ? this.placedFrame(picture, geometry) : picture, this.file);
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
