import { DecoderConfig } from '../config/decoderConfig';
import { openLibavSource } from '../decode/libav/libavVideoSource';
import type { SourceOptions } from '../decode/sourceOptions';
import type { DecodeDevice } from '../video/videoTypes';

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
