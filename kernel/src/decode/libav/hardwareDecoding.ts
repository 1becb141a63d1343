import { Codec, CodecContext, HardwareDeviceContext } from 'node-av/lib';
import { AV_HWDEVICE_TYPE_CUDA, AV_PIX_FMT_CUDA, type AVPixelFormat, type FFDecoderCodec } from 'node-av/constants';
import { avErrorText } from './avCheck';

/** How a decoder is set up for CUDA: which device type, which device, which decoder, which output format. */
export interface CudaDecoderSetup {
  deviceType: 'cuda';
  /** The CUDA device ordinal as FFmpeg's cuda device string. */
  device: string;
  /**
   * FFmpeg's own decoder for the codec, accelerated by NVDEC through the device context, rather than
   * the `*_cuvid` wrapper: parsing, reordering, timestamps and per-packet frame skipping then work
   * exactly as on the CPU. (For AV1 this is the `av1` decoder, which decodes only in hardware.)
   */
  decoder: string;
  /** Frames stay in GPU memory in this format until the chosen ones are downloaded. */
  hardwarePixelFormat: AVPixelFormat;
}

/** FFmpeg's cuda device string for a CUDA device ordinal. */
export function cudaDeviceName(gpuId: number): string {
  return String(gpuId);
}

/** The CUDA set-up for decoding a stream of `codecName` (as FFmpeg names codecs: h264, hevc, vp9, av1) on `gpuId`. */
export function cudaDecoderSetup(gpuId: number, codecName: string): CudaDecoderSetup {
  return { deviceType: 'cuda', device: cudaDeviceName(gpuId), decoder: codecName, hardwarePixelFormat: AV_PIX_FMT_CUDA };
}

/** The decoder a CUDA set-up names; an error when this FFmpeg build cannot decode that codec with CUDA. */
export function findCudaDecoder(setup: CudaDecoderSetup): Codec {
  const codec = Codec.findDecoderByName(setup.decoder as FFDecoderCodec);
  if (!codec || !codec.supportsDevice(AV_HWDEVICE_TYPE_CUDA)) {
    throw new Error(`the ${setup.decoder} decoder of this FFmpeg build cannot decode with CUDA`);
  }
  return codec;
}

/**
 * Opens the CUDA device and attaches it to `decoder` (before it is opened), so that FFmpeg decodes
 * on NVDEC. Returns the device context, which the caller frees after the decoder.
 */
export function attachCudaDevice(decoder: CodecContext, setup: CudaDecoderSetup): HardwareDeviceContext {
  const device = new HardwareDeviceContext();
  const code = device.create(AV_HWDEVICE_TYPE_CUDA, setup.device, null);
  if (code < 0) {
    device.free();
    throw new Error(`cannot open CUDA device ${setup.device}: ${avErrorText(code)}`);
  }
  decoder.hwDeviceCtx = device;
  decoder.setHardwarePixelFormat(setup.hardwarePixelFormat);
  return device;
}
