import { Frame, SoftwareScaleContext } from 'node-av/lib';
import { SWS_BICUBIC, type AVPixelFormat } from 'node-av/constants';

/**
 * Converts decoded frames to one pixel format and size with swscale, keeping one scaler per
 * source format/size (a video's frames normally share one).
 */
export class FrameConverter {
  private scaler?: SoftwareScaleContext;
  private scalerKey = '';
  /** The target that `convertShared` reuses: a fresh frame's buffer costs more to fault in than swscale takes. */
  private shared?: Frame;

  constructor(
    private readonly format: AVPixelFormat,
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** A new frame in the target format and size; the caller frees it. */
  convert(source: Frame): Frame {
    const target = this.newTarget();
    this.scaleInto(target, source);
    return target;
  }

  /**
   * The converted frame in this converter's own target, valid until the next call and freed with the
   * converter. Made writable first: an encoder given the previous picture may still hold a reference.
   */
  convertShared(source: Frame): Frame {
    if (!this.shared) this.shared = this.newTarget();
    else if (!this.shared.isWritable) this.shared.makeWritable();
    this.scaleInto(this.shared, source);
    return this.shared;
  }

  /** The converted pixels, packed row after row, in a buffer of their own. */
  convertToBuffer(source: Frame): Buffer {
    return this.convertShared(source).toBuffer();
  }

  free(): void {
    this.scaler?.freeContext();
    this.scaler = undefined;
    this.shared?.free();
    this.shared = undefined;
  }

  private newTarget(): Frame {
    const target = new Frame();
    target.alloc();
    target.width = this.width;
    target.height = this.height;
    target.format = this.format;
    target.allocBuffer();
    return target;
  }

  private scaleInto(target: Frame, source: Frame): void {
    const key = `${source.width}x${source.height}:${source.format}`;
    if (!this.scaler || key !== this.scalerKey) {
      this.scaler?.freeContext();
      this.scaler = new SoftwareScaleContext();
      this.scaler.getContext(source.width, source.height, source.format as AVPixelFormat, this.width, this.height, this.format, SWS_BICUBIC);
      this.scalerKey = key;
    }
    this.scaler.scaleFrameSync(target, source);
  }
}
