import { Codec, CodecContext, Frame, Packet, Rational } from 'node-av/lib';
import { AV_CODEC_FLAG_QSCALE, AV_CODEC_ID_MJPEG, AV_PIX_FMT_YUVJ420P, FF_QP2LAMBDA } from 'node-av/constants';
import { avCheck } from './avCheck';
import { FrameConverter } from './frameConverter';
import { jpegQscale } from '../jpegFiles';

/** Encodes frames of one size as JPEG with libav's MJPEG encoder. */
export class JpegEncoder {
  private readonly encoder = new CodecContext();
  private readonly converter: FrameConverter;
  private readonly packet = new Packet();
  private readonly lambda: number;
  /** The encoder insists on rising timestamps, even for unrelated pictures. */
  private nextPts = 0n;

  constructor(
    readonly width: number,
    readonly height: number,
    quality: number,
    file: string,
  ) {
    const codec = Codec.findEncoder(AV_CODEC_ID_MJPEG);
    if (!codec) throw new Error('this FFmpeg build has no MJPEG encoder');
    this.encoder.allocContext3(codec);
    this.encoder.width = width;
    this.encoder.height = height;
    this.encoder.pixelFormat = AV_PIX_FMT_YUVJ420P;
    this.encoder.timeBase = new Rational(1, 25);
    this.encoder.setFlags(AV_CODEC_FLAG_QSCALE);
    this.lambda = jpegQscale(quality) * FF_QP2LAMBDA;
    this.encoder.globalQuality = this.lambda;
    avCheck(this.encoder.open2Sync(codec, null), 'cannot open the JPEG encoder for', file);
    // Straight from the decoded YUV: cheaper than through RGB, and no second chroma subsampling.
    this.converter = new FrameConverter(AV_PIX_FMT_YUVJ420P, width, height, { file, jpegYuv: true });
    this.packet.alloc();
  }

  /** The JPEG bytes of a decoded frame (any format and size: it is converted first). */
  encode(frame: Frame, file: string): Buffer {
    const picture = this.converter.convertShared(frame);
    picture.quality = this.lambda;
    picture.pts = this.nextPts++;
    avCheck(this.encoder.sendFrameSync(picture), 'cannot encode a JPEG of', file);
    avCheck(this.encoder.receivePacketSync(this.packet), 'cannot encode a JPEG of', file);
    const bytes = Buffer.from(this.packet.data ?? Buffer.alloc(0));
    this.packet.unref();
    return bytes;
  }

  free(): void {
    this.converter.free();
    this.encoder.freeContext();
    this.packet.free();
  }
}
