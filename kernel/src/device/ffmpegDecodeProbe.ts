import { ffmpegHardwareDecode, ffmpegHwaccels } from '../decode/ffmpegCli/ffmpegHardwareCheck';
import type { HardwareDeviceType } from '../decode/libav/hardwareTypes';
import { errorText } from '../errorText';
import type { CudaDeviceProbe } from './cudaDecodeProbe';

/**
 * Whether the ffmpeg program of the ffmpeg backend decodes on device `gpuId`: it must list the
 * hardware among its `-hwaccels`, and a decode of the probe clip with `-hwaccel` must give its
 * frames in device memory. Asked of this program, not of the FFmpeg libraries node-av loaded: they
 * are another build, with other hardware support.
 */
export async function probeFfmpegDecode(ffmpeg: string, clip: string, frameCount: number, gpuId: number, type: HardwareDeviceType = 'cuda'): Promise<CudaDeviceProbe> {
  const started = performance.now();
  const result = (works: boolean, reason?: string): CudaDeviceProbe => ({
    gpuId,
    works,
    ...(reason ? { reason } : { framesDecoded: frameCount }),
    milliseconds: Math.round(performance.now() - started),
  });
  try {
    const methods = await ffmpegHwaccels(ffmpeg);
    if (!methods.includes(type)) return result(false, `${ffmpeg} cannot decode with ${type} (its -hwaccels: ${methods.join(', ') || 'none'})`);
    // The generated clip is a local file: the network timeout never applies.
    const decode = await ffmpegHardwareDecode(ffmpeg, clip, { streamIndex: 0, gpuId, type, networkTimeoutS: 30 }, frameCount);
    return result(decode.onHardware, decode.reason);
  } catch (error) {
    return result(false, errorText(error));
  }
}
