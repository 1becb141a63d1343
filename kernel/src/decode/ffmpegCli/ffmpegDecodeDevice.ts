import type { DecodeDevice } from '../../video/videoTypes';
import { networkTimeoutOf } from '../networkInput';
import type { SourceOptions } from '../sourceOptions';
import type { IndexedStream } from '../videoDescription';
import { ffmpegHardwareDecode } from './ffmpegHardwareCheck';

/**
 * What the hardware did with each kind of stream in this process (codec, pixel format, size, device):
 * undefined when it decoded it, else why not. One check per kind, not per video.
 */
const verdicts = new Map<string, string | undefined>();

/**
 * Where the ffmpeg program really decodes the chosen stream of `file` when asked to decode it on the GPU: on the GPU when
 * a one-frame decode of it on the hardware gives frames in device memory, else on the CPU (said
 * once per kind of stream), so that a video ffmpeg decodes in software is not labelled `gpu`.
 */
export async function ffmpegDecodeDevice(ffmpeg: string, file: string, { streamIndex, summary }: IndexedStream, options: SourceOptions): Promise<DecodeDevice> {
  const type = options.hardwareDeviceType ?? 'cuda';
  const kind = `${summary.codec} ${summary.pixFmt} ${summary.width}x${summary.height} on ${type.toUpperCase()} device ${options.gpuId}`;
  if (!verdicts.has(kind)) {
    const check = await ffmpegHardwareDecode(ffmpeg, file, { streamIndex, gpuId: options.gpuId, type, networkTimeoutS: networkTimeoutOf(options.settings) }, 1);
    verdicts.set(kind, check.reason);
    if (check.reason) options.log?.(`decoding on CPU: ${kind} does not decode on the GPU: ${check.reason}`);
  }
  return verdicts.get(kind) === undefined ? 'gpu' : 'cpu';
}
