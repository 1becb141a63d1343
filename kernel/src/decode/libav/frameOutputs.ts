import type { Frame } from 'node-av/lib';
import { AV_PIX_FMT_RGB24 } from 'node-av/constants';
import { DEFAULT_JPEG_QUALITY } from '../jpegFiles';
import { FrameConverter } from './frameConverter';
import { JpegEncoder } from './jpegEncoder';


interface Size {
  width: number;
  height: number;
}

/**
 * What a decoded picture becomes for the caller: RGB pixels at the output size and JPEGs, with
 * one scaler and one encoder kept per size (and quality) for the source's lifetime.
 */
export class FrameOutputs {
  private readonly converters = new Map<string, FrameConverter>();
  private readonly jpegEncoders = new Map<string, JpegEncoder>();

  constructor(private readonly file: string) {}

  rgb(picture: Frame, size: Size): Uint8Array {
    const key = `${size.width}x${size.height}`;
    let converter = this.converters.get(key);
    if (!converter) this.converters.set(key, (converter = new FrameConverter(AV_PIX_FMT_RGB24, size.width, size.height)));
    const rgb = converter.convertToBuffer(picture);
    return new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength);
  }

  /** The picture as JPEG bytes at the output size. */
  jpeg(picture: Frame, size: Size, quality = DEFAULT_JPEG_QUALITY): Buffer {
    const key = `${size.width}x${size.height}q${quality}`;
    let encoder = this.jpegEncoders.get(key);
    if (!encoder) this.jpegEncoders.set(key, (encoder = new JpegEncoder(size.width, size.height, quality, this.file)));
    return encoder.encode(picture, this.file);
  }

  free(): void {
    for (const converter of this.converters.values()) converter.free();
    for (const encoder of this.jpegEncoders.values()) encoder.free();
  }
}
