import { avGetPixFmtName, CodecContext, FormatContext, Frame, HardwareDeviceContext, Packet } from 'node-av/lib';
import { AV_HWDEVICE_TYPE_CUDA, AV_PIX_FMT_CUDA, AVERROR_EAGAIN, AVERROR_EOF, type AVPixelFormat } from 'node-av/constants';
import { avCheck } from '../decode/libav/avCheck';
import { attachCudaDevice, cudaDecoderSetup, findCudaDecoder } from '../decode/libav/hardwareDecoding';
import { errorText } from '../errorText';

/** What a real decode of the probe clip on one CUDA device showed. */
export interface CudaDeviceProbe {
  gpuId: number;
  works: boolean;
  /** Why not, when not: the missing piece, or FFmpeg's words. */
  reason?: string;
  /** Frames NVDEC decoded (and one of them downloaded to memory) when it works. */
  framesDecoded?: number;
  /** Device open to last frame, in milliseconds. */
  milliseconds: number;
}

/**
 * Decodes `clip` (H.264) on CUDA device `gpuId` the way the libav backend does, with FFmpeg's own
 * decoder and a CUDA device context, and checks that the frames really come out in CUDA memory:
 * when NVDEC refuses a stream, FFmpeg silently picks a software format and decodes on the CPU, so
 * a decode that merely succeeds proves nothing. Runs in a probe process (a broken driver can crash it).
 */
export function probeCudaDecode(clip: string, gpuId: number): CudaDeviceProbe {
  const started = performance.now();
  const result = (works: boolean, detail: { reason?: string; framesDecoded?: number }): CudaDeviceProbe => ({
    gpuId,
    works,
    ...detail,
    milliseconds: Math.round(performance.now() - started),
  });
  if (!HardwareDeviceContext.iterateTypes().includes(AV_HWDEVICE_TYPE_CUDA)) {
    return result(false, { reason: 'this FFmpeg build has no CUDA support' });
  }
  const input = new FormatContext();
  const decoder = new CodecContext();
  const packet = new Packet();
  const decoded = new Frame();
  const downloaded = new Frame();
  let device: HardwareDeviceContext | undefined;
  packet.alloc();
  decoded.alloc();
  downloaded.alloc();
  try {
    avCheck(input.openInputSync(clip, null, null), 'cannot open the probe clip', clip);
    avCheck(input.findStreamInfoSync(null), 'cannot read the probe clip', clip);
    const stream = input.streams[0];
    const setup = cudaDecoderSetup(gpuId, 'h264');
    const codec = findCudaDecoder(setup);
    decoder.allocContext3(codec);
    avCheck(decoder.parametersToContext(stream.codecpar), 'cannot configure the decoder for', clip);
    decoder.pktTimebase = stream.timeBase;
    // One thread: with frame threads FFmpeg asks NVDEC for extra surfaces per thread.
    decoder.threadCount = 1;
    device = attachCudaDevice(decoder, setup);
    avCheck(decoder.open2Sync(codec, null), 'cannot open the h264 decoder with CUDA for', clip);
    const { framesDecoded, softwareFormat } = decodeEveryFrame({ input, decoder, packet, decoded, downloaded, streamIndex: stream.index, clip });
    if (softwareFormat) {
      return result(false, { reason: `NVDEC did not decode the probe clip: FFmpeg fell back to software decoding (frames in ${softwareFormat})` });
    }
    if (framesDecoded === 0) return result(false, { reason: 'the probe clip gave no frame on CUDA' });
    return result(true, { framesDecoded });
  } catch (error) {
    return result(false, { reason: errorText(error) });
  } finally {
    decoder.freeContext();
    device?.free();
    input.closeInputSync();
    packet.free();
    decoded.free();
    downloaded.free();
  }
}

interface ProbeDecode {
  input: FormatContext;
  decoder: CodecContext;
  packet: Packet;
  decoded: Frame;
  downloaded: Frame;
  streamIndex: number;
  clip: string;
}

/** Decodes the clip to its end: how many frames came out in CUDA memory, and a software format if any did not. */
function decodeEveryFrame({ input, decoder, packet, decoded, downloaded, streamIndex, clip }: ProbeDecode): { framesDecoded: number; softwareFormat?: string } {
  let framesDecoded = 0;
  let softwareFormat: string | undefined;
  const drain = () => {
    for (;;) {
      const received = decoder.receiveFrameSync(decoded);
      if (received === AVERROR_EAGAIN || received === AVERROR_EOF) return;
      avCheck(received, 'cannot decode the probe clip', clip);
      if (decoded.format !== AV_PIX_FMT_CUDA) softwareFormat ??= avGetPixFmtName(decoded.format as AVPixelFormat) ?? String(decoded.format);
      // One frame downloaded to memory proves the whole path a run takes.
      else if (framesDecoded++ === 0) avCheck(decoded.hwframeTransferDataSync(downloaded, 0), 'cannot download a decoded frame from the GPU for', clip);
      decoded.unref();
    }
  };
  while (input.readFrameSync(packet) >= 0) {
    if (packet.streamIndex === streamIndex) avCheck(decoder.sendPacketSync(packet), 'cannot decode the probe clip', clip);
    packet.unref();
    drain();
  }
  decoder.sendPacketSync(null);
  drain();
  return { framesDecoded, ...(softwareFormat ? { softwareFormat } : {}) };
}
