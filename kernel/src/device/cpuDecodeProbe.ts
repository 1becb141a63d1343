import { DecoderConfig } from '../config/decoderConfig';
import { openLibavSource } from '../decode/libav/libavVideoSource';
import type { SourceOptions } from '../decode/sourceOptions';
import { errorText } from '../errorText';
import type { DecodeDevice } from '../video/videoTypes';
import type { CpuDecodeProbe } from './deviceProbeProtocol';

/** What decoding the whole probe clip gave: the frames, and the device that really decoded them. */
export interface ClipDecode {
  framesDecoded: number;
  device: DecodeDevice;
}

/** Options for a probe's source: a run's defaults, one decode thread on the CPU. */
export function probeSourceOptions(device: DecodeDevice, rest: Omit<SourceOptions, 'settings'>): SourceOptions {
  return { settings: { ...new DecoderConfig({ backend: 'libav', threads: 1 }).toSettings(), device }, ...rest };
}

/** Decodes every frame of `clip` with the libav backend on `device`, exactly as a run would. */
export async function decodeWholeClip(clip: string, frameCount: number, options: SourceOptions, device: DecodeDevice): Promise<ClipDecode> {
  const source = await openLibavSource(clip, options, device);
  try {
    const frames = await source.frames(Array.from({ length: frameCount }, (_, index) => index), { size: 64 });
    return { framesDecoded: frames.length, device: source.device };
  } finally {
    await source.close();
  }
}

/** Decodes every frame of `clip` on the CPU with the libav backend, exactly as a run would. */
export async function probeCpuDecode(clip: string, frameCount: number): Promise<CpuDecodeProbe> {
  const started = performance.now();
  const milliseconds = () => Math.round(performance.now() - started);
  try {
    const { framesDecoded } = await decodeWholeClip(clip, frameCount, probeSourceOptions('cpu', { gpuId: 0 }), 'cpu');
    const works = framesDecoded === frameCount;
    const reason = works ? undefined : `${framesDecoded} of the clip's ${frameCount} frames decoded`;
    return { works, ...(reason ? { reason } : {}), framesDecoded, milliseconds: milliseconds() };
  } catch (error) {
    return { works: false, reason: errorText(error), milliseconds: milliseconds() };
  }
}
