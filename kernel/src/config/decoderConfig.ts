/** Where frames are decoded. `auto` decodes a test clip on the GPU once per run and falls back to CPU. */
export const DEVICE_CHOICES = ['auto', 'cpu', 'gpu'] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];
/** `libav`: FFmpeg's libraries in process through node-av. `ffmpeg`: the ffmpeg command-line program. */
export const BACKEND_CHOICES = ['libav', 'ffmpeg'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export const DEFAULT_DEVICE: DeviceChoice = 'auto';
export const DEFAULT_BACKEND: BackendChoice = 'libav';

export interface DecoderConfigOptions {
  device?: DeviceChoice;
  backend?: BackendChoice;
  /** CUDA device ordinals the decoding workers take in turn, one GPU per worker (default [0]). */
  gpuIds?: number[];
  /** Decoder threads per video. 1 is fastest when several workers decode at once (default 1). */
  threads?: number;
  /** ffmpeg binary for the `ffmpeg` backend; otherwise FFMPEG_PATH, then ffmpeg on PATH. */
  ffmpegPath?: string;
  /**
   * Turn frames upright as the video's display matrix says (default true), as players show them;
   * false: frames as stored. Metadata reports the rotation either way.
   */
  autorotate?: boolean;
}

/** The plain-data form of a DecoderConfig, as it travels to a worker process. */
export interface DecoderSettings {
  device: DeviceChoice;
  backend: BackendChoice;
  gpuIds: number[];
  threads: number;
  ffmpegPath?: string;
  autorotate: boolean;
}

/**
 * Decoder settings for a processor. What is not given takes the library's
 * default here; a processor first fills what its host (the notebook kernel, from the editor's
 * settings) supplies, through `withDefaults`, so the same call means the same thing everywhere.
 */
export class DecoderConfig implements DecoderSettings {
  readonly device: DeviceChoice;
  readonly backend: BackendChoice;
  readonly gpuIds: number[];
  readonly threads: number;
  readonly ffmpegPath?: string;
  readonly autorotate: boolean;
  /** The options as given, so that a host's defaults fill only what the caller left open. */
  private readonly given: DecoderConfigOptions;

  constructor(options: DecoderConfigOptions = {}) {
    this.given = { ...options };
    this.device = options.device ?? DEFAULT_DEVICE;
    this.backend = options.backend ?? DEFAULT_BACKEND;
    this.gpuIds = options.gpuIds?.length ? [...options.gpuIds] : [0];
    this.threads = options.threads ?? 1;
    this.ffmpegPath = options.ffmpegPath;
    this.autorotate = options.autorotate ?? true;
    if (!(DEVICE_CHOICES as readonly string[]).includes(this.device)) {
      throw new TypeError(`DecoderConfig: device must be 'gpu', 'cpu' or 'auto', got '${String(this.device)}'`);
    }
    if (!(BACKEND_CHOICES as readonly string[]).includes(this.backend)) {
      throw new TypeError(`DecoderConfig: backend must be 'libav' or 'ffmpeg', got '${String(this.backend)}'`);
    }
    if (!Number.isInteger(this.threads) || this.threads < 0) {
      throw new TypeError(`DecoderConfig: threads must be a whole number >= 0 (0 = FFmpeg's choice), got ${this.threads}`);
    }
    if (typeof this.autorotate !== 'boolean') throw new TypeError(`DecoderConfig: autorotate must be true or false, got ${String(this.autorotate)}`);
    if (this.gpuIds.some((id) => !Number.isInteger(id) || id < 0)) {
      throw new TypeError(`DecoderConfig: gpuIds must be CUDA device ordinals, got [${this.gpuIds.join(', ')}]`);
    }
  }

  /** This configuration with `defaults` for what was not given. */
  withDefaults(defaults: Pick<DecoderConfigOptions, 'device' | 'backend' | 'ffmpegPath'>): DecoderConfig {
    const filled: DecoderConfigOptions = { ...this.given };
    for (const key of ['device', 'backend', 'ffmpegPath'] as const) {
      if (filled[key] === undefined && defaults[key] !== undefined) Object.assign(filled, { [key]: defaults[key] });
    }
    return new DecoderConfig(filled);
  }

  toSettings(): DecoderSettings {
    return { device: this.device, backend: this.backend, gpuIds: [...this.gpuIds], threads: this.threads, ffmpegPath: this.ffmpegPath, autorotate: this.autorotate };
  }
}
