import { HardwareDeviceContext } from 'node-av/lib';
import { hardwareTypeCode, type HardwareDeviceType } from '../decode/libav/hardwareTypes';
import { errorText } from '../errorText';
import { decodeWholeClip, probeSourceOptions } from './clipDecode';

/** What a real decode of the probe clip on one CUDA device showed. */
export interface CudaDeviceProbe {
  gpuId: number;
  works: boolean;
  /** Why not, when not: the missing piece, or FFmpeg's words. */
  reason?: string;
  /** Frames the hardware decoded (each downloaded to memory) when it works. */
  framesDecoded?: number;
  /** Device open to last frame, in milliseconds. */
  milliseconds: number;
}

/**
 * Decodes `clip` (H.264) on device `gpuId` exactly as a run's libav backend does (FFmpeg's own
 * decoder, the process's device context, one thread) and checks that the frames really came out
 * in device memory: when NVDEC refuses a stream (no libnvcuvid, a driver too old, a GPU without
 * NVDEC) FFmpeg silently decodes in software, so a decode that merely succeeds proves nothing.
 * Runs in a probe process (a broken driver can crash it). `deviceType`: CUDA in runs.
 */
export async function probeCudaDecode(clip: string, frameCount: number, gpuId: number, deviceType: HardwareDeviceType = 'cuda'): Promise<CudaDeviceProbe> {
  const started = performance.now();
  const result = (works: boolean, detail: { reason?: string; framesDecoded?: number }): CudaDeviceProbe => ({
    gpuId,
    works,
    ...detail,
    milliseconds: Math.round(performance.now() - started),
  });
  const typeName = deviceType.toUpperCase();
  if (!HardwareDeviceContext.iterateTypes().includes(hardwareTypeCode(deviceType))) {
    return result(false, { reason: `this FFmpeg build has no ${typeName} support` });
  }
  const said: string[] = [];
  try {
    const options = probeSourceOptions('gpu', { gpuId, hardwareDeviceType: deviceType, log: (line) => said.push(line) });
    const { framesDecoded, device } = await decodeWholeClip(clip, frameCount, options, 'gpu');
    if (device !== 'gpu') return result(false, { reason: `${typeName} device ${gpuId} did not decode the probe clip: ${said.map((line) => line.replace(/^decoding on CPU: /, '')).join('; ') || 'FFmpeg decoded it in software'}` });
    if (framesDecoded !== frameCount) return result(false, { reason: `${framesDecoded} of the probe clip's ${frameCount} frames decoded on ${typeName}` });
    return result(true, { framesDecoded });
  } catch (error) {
    return result(false, { reason: errorText(error) });
  }
}
