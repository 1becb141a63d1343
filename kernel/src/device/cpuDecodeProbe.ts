import { errorText } from '../errorText';
import { decodeWholeClip, probeSourceOptions } from './clipDecode';
import type { CpuDecodeProbe } from './deviceProbeProtocol';

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
