import { DecoderConfig } from '../config/decoderConfig';
import { openLibavSource } from '../decode/libav/libavVideoSource';
import { errorText } from '../errorText';
import type { CpuDecodeProbe } from './deviceProbeProtocol';

/** Decodes every frame of `clip` on the CPU with the libav backend, exactly as a run would. */
export async function probeCpuDecode(clip: string, frameCount: number): Promise<CpuDecodeProbe> {
  const started = performance.now();
  const milliseconds = () => Math.round(performance.now() - started);
  try {
    const source = await openLibavSource(clip, { settings: { ...new DecoderConfig({ backend: 'libav', threads: 1 }).toSettings(), device: 'cpu' }, gpuId: 0 }, 'cpu');
    try {
      const frames = await source.frames(Array.from({ length: frameCount }, (_, index) => index), { size: 64 });
      const works = frames.length === frameCount;
      const reason = works ? undefined : `${frames.length} of the clip's ${frameCount} frames decoded`;
      return { works, ...(reason ? { reason } : {}), framesDecoded: frames.length, milliseconds: milliseconds() };
    } finally {
      await source.close();
    }
  } catch (error) {
    return { works: false, reason: errorText(error), milliseconds: milliseconds() };
  }
}
