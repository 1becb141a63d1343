import type { GeneratedVideoSpec } from '../../../samples/videoGenerator';
import type { CudaDeviceProbe } from './cudaDecodeProbe';
import type { HardwareDeviceType } from '../decode/libav/hardwareTypes';

/**
 * The probe clip: H.264 (every NVDEC decodes it) at a size well above NVDEC's minimum, with
 * B-frames like most real files, and short, so the probe costs tens of milliseconds.
 */
export const PROBE_CLIP: Omit<GeneratedVideoSpec, 'path'> = { codec: 'h264', width: 320, height: 240, fps: 25, frameCount: 12, gop: 6, bFrames: 2 };

/** What the parent asks the probe process for (its one argument, as JSON). */
export interface DeviceProbeRequest {
  gpuIds: number[];
  /** Also decode the clip on the CPU (the doctor's check that decoding works at all). */
  cpu: boolean;
  /** Also list what the FFmpeg libraries can decode (the doctor's inventory). */
  inventory: boolean;
  /** The hardware the GPUs are asked about as: CUDA unless said (see HardwareDeviceType). */
  hardwareDeviceType?: HardwareDeviceType;
  /** Ask the GPUs about this ffmpeg program (the ffmpeg backend's) instead of the FFmpeg libraries. */
  ffmpeg?: string;
}

/** The FFmpeg libraries node-av loaded: versions, decoders, hardware device types. */
export interface LibavInventory {
  ffmpegVersion: string;
  libavcodecVersion: string;
  decoders: { codec: string; available: boolean; cuda: boolean }[];
  hardwareDeviceTypes: string[];
}

/** A real decode of the probe clip on the CPU. */
export interface CpuDecodeProbe {
  works: boolean;
  reason?: string;
  framesDecoded?: number;
  milliseconds: number;
}

/** The probe process's one line of output. */
export interface DeviceProbeReport {
  inventory?: LibavInventory;
  cpu?: CpuDecodeProbe;
  cuda: CudaDeviceProbe[];
}
