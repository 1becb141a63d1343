import { readFileSync } from 'node:fs';
import { Codec, CodecContext, FormatContext, Frame, Packet } from 'node-av/lib';
import { AVMEDIA_TYPE_VIDEO } from 'node-av/constants';
import { outputSize } from '../../video/outputSize';
import { avCheck, avErrorText } from './avCheck';
import { JpegEncoder } from './jpegEncoder';

/**
 * A small JPEG of an image file (a keyframe the run wrote): decoded, scaled so the shorter side is
 * `shorterSide` pixels, and encoded again. Keyframe JPEGs are as large as the user asked (often
 * full HD); thumbnails keep a notebook's grid to a few kilobytes per frame. An image no larger than
 * the thumbnail is returned as it is.
 */
export function jpegThumbnail(file: string, shorterSide: number, quality = 75): Buffer {
  const input = new FormatContext();
  const decoder = new CodecContext();
  const packet = new Packet();
  const frame = new Frame();
  let encoder: JpegEncoder | undefined;
  packet.alloc();
  frame.alloc();
  try {
    avCheck(input.openInputSync(file, null, null), 'cannot open', file);
    const streamIndex = input.findBestStream(AVMEDIA_TYPE_VIDEO);
    if (streamIndex < 0) throw new Error(`no image in ${file}: ${avErrorText(streamIndex)}`);
    const parameters = input.streams[streamIndex]!.codecpar;
    const codec = Codec.findDecoder(parameters.codecId);
    if (!codec) throw new Error(`no decoder for the image ${file}`);
    decoder.allocContext3(codec);
    avCheck(decoder.parametersToContext(parameters), 'cannot configure the decoder for', file);
    avCheck(decoder.open2Sync(codec, null), 'cannot open the decoder for', file);
    for (;;) {
      avCheck(input.readFrameSync(packet), 'cannot read', file);
      if (packet.streamIndex !== streamIndex) {
        packet.unref();
        continue;
      }
      avCheck(decoder.sendPacketSync(packet), 'cannot decode', file);
      packet.unref();
      avCheck(decoder.sendPacketSync(null), 'cannot decode', file);
      avCheck(decoder.receiveFrameSync(frame), 'cannot decode', file);
      break;
    }
    if (Math.min(frame.width, frame.height) <= shorterSide) return readFileSync(file);
    const size = outputSize(frame.width, frame.height, shorterSide);
    encoder = new JpegEncoder(size.width, size.height, quality, file);
    return encoder.encode(frame, file);
  } finally {
    encoder?.free();
    decoder.freeContext();
    input.closeInputSync();
    packet.free();
    frame.free();
  }
}
