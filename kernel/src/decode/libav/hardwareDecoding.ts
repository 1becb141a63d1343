import { CodecContext, HardwareDeviceContext } from 'node-av/lib';
import { AV_HWDEVICE_TYPE_CUDA, AV_PIX_FMT_CUDA, type AVPixelFormat } from 'node-av/constants';
import { avErrorText } from './avCheck';

/** How a decoder is set up for CUDA: which device type, which device, which output format. */
export interface CudaDecoderSetup {
  deviceType: 'cuda';
  /** The CUDA device ordinal as FFmpeg's cuda device string. */
  device: string;
  /** Frames stay in GPU memory in this format until the chosen ones are downloaded. */
  hardwarePixelFormat: AVPixelFormat;
}

export function cudaDecoderSetup(gpuId: number): CudaDecoderSetup {
  return { deviceType: 'cuda', device: String(gpuId), hardwarePixelFormat: AV_PIX_FMT_CUDA };
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
