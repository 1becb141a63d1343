import { avGetPixFmtName, type CodecParameters } from 'node-av/lib';
import type { AVPixelFormat } from 'node-av/constants';
import type { HardwareDecoderSetup } from './hardwareDecoding';

/**
 * Kinds of stream the hardware refused in this process, by codec, profile, bit depth and size:
 * NVDEC refuses by exactly these (H.264 4:4:4 or 10-bit, HEVC 4:2:2, AV1 on GPUs before Ampere,
 * frames below its minimum size), so the next video of the same kind goes straight to the CPU
 * instead of opening a hardware decoder only to see it fall back again.
 */
const refusals = new Map<string, string>();

/** The kind of stream a refusal is remembered by, on the set-up's device (another GPU may be another model). */
export function streamKind(setup: HardwareDecoderSetup, parameters: CodecParameters): string {
  const pixelFormat = avGetPixFmtName(parameters.format as AVPixelFormat) ?? 'unknown';
  const depth = Number(/p(\d+)(le|be)?$/.exec(pixelFormat)?.[1] ?? 8);
  return `${setup.decoder} profile ${parameters.profile}, ${depth}-bit, ${parameters.width}x${parameters.height} on ${setup.deviceType.toUpperCase()} device ${setup.device}`;
}

/** Why the hardware refused this kind before, when it did. */
export function knownRefusal(kind: string): string | undefined {
  return refusals.get(kind);
}

/** Remembers a refusal; true when this kind was not known to be refused (its reason is then worth saying). */
export function rememberRefusal(kind: string, reason: string): boolean {
  const known = refusals.has(kind);
  if (!known) refusals.set(kind, reason);
  return !known;
}
