import type { DecoderSettings } from '../config/decoderConfig';
import type { DecodeDevice, VideoSource } from '../video/videoTypes';

/** What a backend needs to open one video. */
export interface SourceOptions {
  settings: DecoderSettings;
  /** The CUDA device this video was assigned to (round-robin over settings.gpuIds), for GPU decoding. */
  gpuId: number;
  /** Diagnostic lines (fallback reasons, ...), shown in the log. */
  log?: (message: string) => void;
}

/** A source that says which device actually decodes it (after any fallback). */
export interface OpenedVideoSource extends VideoSource {
  readonly device: DecodeDevice;
}
