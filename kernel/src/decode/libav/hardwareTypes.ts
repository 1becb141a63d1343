import { AV_HWDEVICE_TYPE_CUDA, AV_HWDEVICE_TYPE_VULKAN, AV_PIX_FMT_CUDA, AV_PIX_FMT_VULKAN, type AVHWDeviceType, type AVPixelFormat } from 'node-av/constants';

/**
 * The hardware a decoder can be set up for: CUDA (NVDEC) in runs; Vulkan where a machine has a
 * Vulkan device (a software one has no video decode, so FFmpeg refuses it as NVDEC refuses some
 * streams, and the fallback path runs without a GPU).
 */
export type HardwareDeviceType = 'cuda' | 'vulkan';

const TYPE_CODES: Record<HardwareDeviceType, { code: AVHWDeviceType; pixelFormat: AVPixelFormat }> = {
  cuda: { code: AV_HWDEVICE_TYPE_CUDA, pixelFormat: AV_PIX_FMT_CUDA },
  vulkan: { code: AV_HWDEVICE_TYPE_VULKAN, pixelFormat: AV_PIX_FMT_VULKAN },
};

export function hardwareTypeCode(type: HardwareDeviceType): AVHWDeviceType {
  return TYPE_CODES[type].code;
}

/** The pixel format of frames that stay in the device's memory. */
export function hardwarePixelFormat(type: HardwareDeviceType): AVPixelFormat {
  return TYPE_CODES[type].pixelFormat;
}
