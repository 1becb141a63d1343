import type { DecoderSettings } from '../config/decoderConfig';
import type { DecodeDevice, VideoSource } from '../video/videoTypes';
import type { HardwareDeviceType } from './libav/hardwareTypes';

/** Decoder settings once the run has chosen its device (see device/runDevice.ts): workers never choose it. */
export type SourceSettings = Omit<DecoderSettings, 'device'> & {
  device: DecodeDevice;
  /** Seconds without data after which reading a URL fails (see networkInput.ts); derived from the per-video limit. */
  networkTimeoutS?: number;
};

/** What a backend needs to open one video. */
export interface SourceOptions {
  settings: SourceSettings;
  /** The CUDA device of the worker decoding this video (workers take settings.gpuIds in turn), for GPU decoding. */
  gpuId: number;
  /**
   * The hardware `gpu` decodes on with the libav backend: CUDA (the default, NVDEC) or another type
   * FFmpeg drives the same way (Vulkan).
   */
  hardwareDeviceType?: HardwareDeviceType;
  /** Diagnostic lines (fallback reasons, ...), shown in the log. */
  log?: (message: string) => void;
}

/** A source that says which device actually decodes it (after any fallback). */
export interface OpenedVideoSource extends VideoSource {
  readonly device: DecodeDevice;
}
