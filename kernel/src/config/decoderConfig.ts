import { runEnvironment } from '../processor/runEnvironment';

/** Where frames are decoded. `auto` probes once whether CUDA decode works and falls back to CPU. */
export type DeviceChoice = 'gpu' | 'cpu' | 'auto';
/** `libav`: FFmpeg's libraries in process through node-av. `ffmpeg`: the ffmpeg command-line program. */
export type BackendChoice = 'libav' | 'ffmpeg';

export interface DecoderConfigOptions {
  device?: DeviceChoice;
  backend?: BackendChoice;
  /** CUDA device ordinals that GPU decoding round-robins over (default [0]). */
  gpuIds?: number[];
  /** Decoder threads per video. 1 is fastest when several workers decode at once (default 1). */
  threads?: number;
  /** ffmpeg binary for the `ffmpeg` backend; otherwise FFMPEG_PATH, then ffmpeg on PATH. */
  ffmpegPath?: string;
}

/** The plain-data form of a DecoderConfig, as it travels to a worker process. */
export interface DecoderSettings {
  device: DeviceChoice;
  backend: BackendChoice;
  gpuIds: number[];
  threads: number;
  ffmpegPath?: string;
}

/** Decoder settings for a processor (the spec's DecordConfig). */
export class DecoderConfig implements DecoderSettings {
  readonly device: DeviceChoice;
  readonly backend: BackendChoice;
  readonly gpuIds: number[];
  readonly threads: number;
  readonly ffmpegPath?: string;

  constructor(options: DecoderConfigOptions = {}) {
    const defaults = runEnvironment().defaults;
    this.device = options.device ?? defaults.device ?? 'auto';
    this.backend = options.backend ?? defaults.backend ?? 'libav';
    this.gpuIds = options.gpuIds?.length ? [...options.gpuIds] : [0];
    this.threads = options.threads ?? 1;
    this.ffmpegPath = options.ffmpegPath ?? defaults.ffmpegPath;
    if (!['gpu', 'cpu', 'auto'].includes(this.device)) {
      throw new TypeError(`DecoderConfig: device must be 'gpu', 'cpu' or 'auto', got '${String(this.device)}'`);
    }
    if (!['libav', 'ffmpeg'].includes(this.backend)) {
      throw new TypeError(`DecoderConfig: backend must be 'libav' or 'ffmpeg', got '${String(this.backend)}'`);
    }
    if (!Number.isInteger(this.threads) || this.threads < 0) {
      throw new TypeError(`DecoderConfig: threads must be a whole number >= 0 (0 = FFmpeg's choice), got ${this.threads}`);
    }
    if (this.gpuIds.some((id) => !Number.isInteger(id) || id < 0)) {
      throw new TypeError(`DecoderConfig: gpuIds must be CUDA device ordinals, got [${this.gpuIds.join(', ')}]`);
    }
  }

  toSettings(): DecoderSettings {
    return { device: this.device, backend: this.backend, gpuIds: [...this.gpuIds], threads: this.threads, ffmpegPath: this.ffmpegPath };
  }
}
