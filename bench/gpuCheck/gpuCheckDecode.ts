import { pixelDifference } from '../../kernel/src/verify/frameComparison';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import { errorText } from '../../kernel/src/errorText';
import type { DecodeDevice, VideoFrame } from '../../kernel/src/video/videoTypes';

/** Every frame of one clip decoded by the engine on one device, at the clip's own size. */
export interface DeviceDecode {
  asked: DecodeDevice;
  /** The device that really decoded it (a refused stream falls back to the CPU). */
  decodedOn?: DecodeDevice;
  frames?: number;
  framesPerSecond?: number;
  /** What the engine logged (a fallback's reason). */
  log: string[];
  error?: string;
}

/** The GPU's frames against the CPU's: the same stamps, and how far their pixels lie apart. */
export interface FrameAgreement {
  sameTimestamps: boolean;
  sameCount: boolean;
  meanAbsoluteDifference: number;
  maxAbsoluteDifference: number;
  identical: boolean;
}

interface Decoded {
  result: DeviceDecode;
  frames: VideoFrame[];
}

/** Decodes every frame of `file` with the libav backend on `device` (CUDA device 0 for the GPU). */
export async function decodeOn(file: string, device: DecodeDevice, threads: number): Promise<Decoded> {
  const log: string[] = [];
  const settings = { ...new DecoderConfig({ backend: 'libav', threads }).toSettings(), device };
  try {
    const source = await openVideoSource(file, { settings, gpuId: 0, log: (line) => log.push(line) });
    try {
      const numFrames = (await source.metadata()).num_frames;
      const started = performance.now();
      const frames = await source.frames(Array.from({ length: numFrames }, (_, index) => index));
      const seconds = (performance.now() - started) / 1000;
      const result = { asked: device, decodedOn: source.device, frames: frames.length, framesPerSecond: Math.round(frames.length / seconds), log };
      return { result, frames };
    } finally {
      await source.close();
    }
  } catch (error) {
    return { result: { asked: device, log, error: errorText(error) }, frames: [] };
  }
}

/** How the GPU's frames compare with the CPU's, frame by frame over the frames both gave. */
export function compareFrames(gpu: readonly VideoFrame[], cpu: readonly VideoFrame[]): FrameAgreement {
  // Frames of one clip share a size: the mean over all of them is the mean of the frames' means.
  const differences = gpu.slice(0, cpu.length).map((frame, index) => pixelDifference(frame.data!, cpu[index]!.data!));
  const max = Math.max(0, ...differences.map((difference) => difference.max));
  const mean = differences.length ? differences.reduce((sum, difference) => sum + difference.mean, 0) / differences.length : 0;
  const sameTimestamps = gpu.length === cpu.length && gpu.every((frame, index) => frame.timestamp === cpu[index]!.timestamp);
  return { sameTimestamps, sameCount: gpu.length === cpu.length, meanAbsoluteDifference: Number(mean.toFixed(3)), maxAbsoluteDifference: max, identical: max === 0 && sameTimestamps };
}
