import type { BackendChoice, DeviceChoice } from '../config/decoderConfig';
import { resolveFfmpegBinary } from '../decode/ffmpegCli/ffmpegBinary';
import { errorText } from '../errorText';
import type { DecodeDevice } from '../video/videoTypes';
import type { CudaDeviceProbe } from './cudaDecodeProbe';
import { probeDecoding } from './probeDecoding';

/** What decodes a run's videos: the libav backend, or the ffmpeg backend's program (its own build, its own hardware support). */
export interface RunDecoder {
  backend: BackendChoice;
  ffmpegPath?: string;
}

/** Where a run decodes, decided once when it starts. */
export interface RunDevice {
  requested: DeviceChoice;
  device: DecodeDevice;
  /** The CUDA devices the run's videos are spread over (those that decoded the probe clip). */
  gpuIds: number[];
  /**
   * Why some or all of the requested GPUs are not used, in words; absent when nothing was dropped.
   * With `device: 'cpu'` after asking for a GPU, it says why the run decodes on the CPU.
   */
  reason?: string;
}

/**
 * Decides a run's device from a real decode: `cpu` as asked; `auto` and `gpu` decode a probe clip on
 * each requested CUDA device with the run's own decoder (the ffmpeg backend's program, when the run
 * uses it) and keep those that really decoded on NVDEC; with none left the run decodes on the CPU,
 * and `reason` says why (once per run, instead of once per video or worker).
 * A `gpu` run still retries on the CPU a single video NVDEC fails on.
 */
export async function chooseRunDevice(requested: DeviceChoice, gpuIds: readonly number[], decoder: RunDecoder = { backend: 'libav' }): Promise<RunDevice> {
  if (requested === 'cpu') return { requested, device: 'cpu', gpuIds: [...gpuIds] };
  let ffmpeg: string | undefined;
  try {
    if (decoder.backend === 'ffmpeg') ffmpeg = resolveFfmpegBinary(decoder.ffmpegPath).ffmpeg;
  } catch (error) {
    return { requested, device: 'cpu', gpuIds: [...gpuIds], reason: errorText(error) };
  }
  const { cuda } = await probeDecoding({ gpuIds, ...(ffmpeg ? { ffmpeg } : {}) });
  return decideRunDevice(requested, gpuIds, cuda);
}

/** The device a run asking for `requested` gets, given what the probe found on each of `gpuIds`. */
export function decideRunDevice(requested: DeviceChoice, gpuIds: readonly number[], probes: readonly CudaDeviceProbe[]): RunDevice {
  if (requested === 'cpu') return { requested, device: 'cpu', gpuIds: [...gpuIds] };
  const working = probes.filter((probe) => probe.works).map((probe) => probe.gpuId);
  const failed = probes.filter((probe) => !probe.works);
  const reasons = [...new Set(failed.map((probe) => probe.reason))];
  // One shared reason (no driver at all) is said once; per-device reasons name their device.
  const said =
    reasons.length === 1 && failed.length === probes.length
      ? reasons[0]!
      : failed.map((probe) => `CUDA device ${probe.gpuId}: ${probe.reason}`).join('; ');
  if (working.length === 0) return { requested, device: 'cpu', gpuIds: [...gpuIds], reason: said };
  return { requested, device: 'gpu', gpuIds: working, ...(failed.length ? { reason: said } : {}) };
}

/** The run's log line for its device. */
export function describeRunDevice(choice: RunDevice): string {
  if (choice.device === 'cpu') {
    return choice.reason ? `decoding on CPU (${choice.requested === 'gpu' ? 'GPU asked for' : 'auto'}): ${choice.reason}` : 'decoding on CPU';
  }
  const devices = `CUDA device${choice.gpuIds.length > 1 ? 's' : ''} ${choice.gpuIds.join(', ')}`;
  return `decoding on GPU (${devices})${choice.reason ? `; not used: ${choice.reason}` : ''}`;
}
