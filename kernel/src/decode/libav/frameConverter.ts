import { Frame, SoftwareScaleContext } from 'node-av/lib';
import { SWS_BICUBIC, type AVPixelFormat } from 'node-av/constants';

/**
 * Converts decoded frames to one pixel format and size with swscale, keeping one scaler per
 * source format/size (a video's frames normally share one).
 */
export class FrameConverter {
  private scaler?: SoftwareScaleContext;
  private scalerKey = '';

  constructor(
    private readonly format: AVPixelFormat,
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** A new frame in the target format and size; the caller frees it. */
  convert(source: Frame): Frame {
    const key = `${source.width}x${source.height}:${source.format}`;
    if (!this.scaler || key !== this.scalerKey) {
      this.scaler?.freeContext();
      this.scaler = new SoftwareScaleContext();
      this.scaler.getContext(source.width, source.height, source.format as AVPixelFormat, this.width, this.height, this.format, SWS_BICUBIC);
      this.scalerKey = key;
    }
    const target = new Frame();
    target.alloc();
    target.width = this.width;
    target.height = this.height;
    target.format = this.format;
    target.allocBuffer();
    this.scaler.scaleFrameSync(target, source);
    return target;
  }

  free(): void {
    this.scaler?.freeContext();
    this.scaler = undefined;
  }
}
