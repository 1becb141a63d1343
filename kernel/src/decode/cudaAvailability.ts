import { HardwareDeviceContext } from 'node-av/lib';
import { AV_HWDEVICE_TYPE_CUDA } from 'node-av/constants';
import { avErrorText } from './libav/avCheck';
import { cudaDeviceName } from './libav/hardwareDecoding';

export interface CudaAvailability {
  available: boolean;
  /** Why not, in FFmpeg's words, when not. */
  reason?: string;
  /** True only the first time the answer is given in this process (to log it once). */
  firstAnswer?: boolean;
}

const answers = new Map<number, CudaAvailability>();

/**
 * Whether a CUDA device can be opened for decoding, asked once per device and process: opening a
 * CUDA context costs a few hundred milliseconds, too much to pay per video.
 */
export function cudaAvailability(gpuId: number): CudaAvailability {
  const known = answers.get(gpuId);
  if (known) return known;
  const answer = probeCuda(gpuId);
  answers.set(gpuId, answer);
  return { ...answer, firstAnswer: true };
}

function probeCuda(gpuId: number): CudaAvailability {
  if (!HardwareDeviceContext.iterateTypes().includes(AV_HWDEVICE_TYPE_CUDA)) {
    return { available: false, reason: 'this FFmpeg build has no CUDA support' };
  }
  const device = new HardwareDeviceContext();
  try {
    const code = device.create(AV_HWDEVICE_TYPE_CUDA, cudaDeviceName(gpuId), null);
    return code < 0 ? { available: false, reason: `CUDA device ${gpuId} cannot be opened: ${avErrorText(code)}` } : { available: true };
  } finally {
    device.free();
  }
}
