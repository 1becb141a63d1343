import type { DecoderSettings } from '../config/decoderConfig';
import { resolveFfmpegBinary } from './ffmpegCli/ffmpegBinary';

/**
 * Throws (an InputError) when the configured backend cannot run at all, so a run stops before it
 * writes anything instead of failing every video: the ffmpeg backend needs its program. A module of
 * its own, apart from the backends: the process that runs a job decodes nothing itself, and so
 * never loads FFmpeg's libraries (the workers do).
 */
export function checkBackendAvailable(settings: Pick<DecoderSettings, 'backend' | 'ffmpegPath'>): void {
  if (settings.backend === 'ffmpeg') resolveFfmpegBinary(settings.ffmpegPath);
}
