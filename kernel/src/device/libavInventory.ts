import { Codec, getFFmpegInfo, HardwareDeviceContext } from 'node-av/lib';
import { AV_HWDEVICE_TYPE_CUDA, type FFDecoderCodec } from 'node-av/constants';
import type { LibavInventory } from './deviceProbeProtocol';

/** The codecs datasets hold most; each is looked up as FFmpeg's own decoder of that name. */
export const INVENTORY_CODECS = ['h264', 'hevc', 'vp9', 'av1', 'vp8', 'mpeg4', 'mpeg2video', 'prores', 'mjpeg'] as const;

/** What the FFmpeg libraries that node-av loaded can decode, and with which hardware. */
export function readLibavInventory(): LibavInventory {
  const info = getFFmpegInfo();
  return {
    ffmpegVersion: info.version,
    libavcodecVersion: info.libraries.avcodec,
    decoders: INVENTORY_CODECS.map((name) => {
      const codec = Codec.findDecoderByName(name as FFDecoderCodec);
      return { codec: name, available: codec !== null, cuda: codec?.supportsDevice(AV_HWDEVICE_TYPE_CUDA) ?? false };
    }),
    hardwareDeviceTypes: HardwareDeviceContext.iterateTypes().map((type) => HardwareDeviceContext.getTypeName(type) ?? String(type)),
  };
}
