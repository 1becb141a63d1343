import { Codec, CodecContext, type Frame } from 'node-av/lib';
import type { AVPixelFormat, FFDecoderCodec } from 'node-av/constants';
import { avCheck } from './avCheck';
import { sharedDeviceContext } from './deviceContexts';
import { hardwarePixelFormat, hardwareTypeCode, type HardwareDeviceType } from './hardwareTypes';

/** How a decoder is set up for hardware: which device type, which device, which decoder, which output format. */
export interface HardwareDecoderSetup {
  deviceType: HardwareDeviceType;
  /** The device as FFmpeg's device string (for CUDA: the ordinal). */
  device: string;
  /**
   * FFmpeg's own decoder for the codec, accelerated through the device context, rather than the
   * `*_cuvid` wrapper: parsing, reordering, timestamps and per-packet frame skipping then work
   * exactly as on the CPU.
   */
  decoder: string;
  /** Frames stay in GPU memory in this format until the chosen ones are downloaded. */
  hardwarePixelFormat: AVPixelFormat;
}

/** The set-up for decoding a stream of `codecName` (as FFmpeg names codecs) on device `gpuId` of `deviceType`. */
export function hardwareDecoderSetup(deviceType: HardwareDeviceType, gpuId: number, codecName: string): HardwareDecoderSetup {
  return { deviceType, device: String(gpuId), decoder: codecName, hardwarePixelFormat: hardwarePixelFormat(deviceType) };
}

/**
 * Why this FFmpeg build cannot decode the set-up's codec on its hardware (ProRes, MPEG-4 part 2 on
 * Vulkan, …), asked of the codec's hardware configurations before any device is opened; undefined when it can.
 */
export function hardwareRefusal(setup: HardwareDecoderSetup): string | undefined {
  const codec = Codec.findDecoderByName(setup.decoder as FFDecoderCodec);
  if (codec && codec.supportsDevice(hardwareTypeCode(setup.deviceType))) return undefined;
  return `the ${setup.decoder} decoder of this FFmpeg build cannot decode with ${setup.deviceType.toUpperCase()}`;
}

/** The decoder a set-up names; an error when this FFmpeg build cannot decode that codec on its hardware. */
export function findHardwareDecoder(setup: HardwareDecoderSetup): Codec {
  const refusal = hardwareRefusal(setup);
  if (refusal) throw new Error(refusal);
  return Codec.findDecoderByName(setup.decoder as FFDecoderCodec)!;
}

/**
 * Attaches the process's shared context of the set-up's device to `decoder` (before it is opened),
 * so that FFmpeg decodes on the hardware. The context outlives the decoder: it is the process's.
 */
export function attachHardwareDevice(decoder: CodecContext, setup: HardwareDecoderSetup): void {
  decoder.hwDeviceCtx = sharedDeviceContext(setup.deviceType, setup.device);
  decoder.setHardwarePixelFormat(setup.hardwarePixelFormat);
}

/**
 * A hardware frame's pixels in memory, in `target`, with the frame's properties: the transfer copies
 * the planes only, and without the colour matrix and range the conversion would read a BT.709 or
 * full-range GPU frame as limited-range BT.601 (the CPU decoder's frame of the same samples keeps them).
 */
export function downloadHardwareFrame(picture: Frame, target: Frame, file: string): Frame {
  avCheck(picture.hwframeTransferDataSync(target, 0), 'cannot download a frame from the GPU for', file);
  avCheck(target.copyProps(picture), 'cannot copy the properties of a GPU frame of', file);
  return target;
}
