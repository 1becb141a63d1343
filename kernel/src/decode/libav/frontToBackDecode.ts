import { Codec, CodecContext, FormatContext, Frame, Packet } from 'node-av/lib';
import { AVERROR_EAGAIN, AVERROR_EOF, AVERROR_INVALIDDATA } from 'node-av/constants';
import { MAX_NETWORK_TIMEOUT_S } from '../networkInput';
import { configureDecoder } from './outputOrderDecoder';
import { avCheck, avErrorText } from './avCheck';
import type { StoredPicture } from '../videoDescription';
import { openVideoInput, storedPictureOf } from './videoStream';
import { chooseVideoStream } from '../videoStreamChoice';
import { streamFactsOf } from './streamFacts';

export interface FrontToBackOptions {
  /** Decoder threads (0: FFmpeg's choice). Frame threading changes the speed, never the pictures. */
  threads?: number;
  /** Seconds without data after which reading a URL fails. */
  networkTimeoutS?: number;
  /** Told the stream's picture shape once it is open, before the first frame. */
  onOpened?: (stored: StoredPicture) => void;
}

/** What a front-to-back decode saw. */
export interface FrontToBackResult {
  /** Frames the decoder put out. */
  frames: number;
  /** Packets the decoder refused as damaged (each costs its frame); the last refusal in FFmpeg's words. */
  rejectedPackets: number;
  lastRejection?: string;
}

/**
 * Decodes every frame of a video front to back with one fresh decoder: no seeking, no skipping, no
 * packet index, so nothing of the engine's frame bookkeeping is involved. `onFrame` sees each
 * decoded picture with its position in the decoder's output (presentation) order; the picture is
 * valid only during the call. The truth that frame-exact extraction is checked against.
 */
export function decodeFrontToBack(file: string, onFrame: (picture: Frame, position: number) => void, options: FrontToBackOptions = {}): FrontToBackResult {
  const input = new FormatContext();
  const decoder = new CodecContext();
  const packet = new Packet();
  const picture = new Frame();
  packet.alloc();
  picture.alloc();
  const result: FrontToBackResult = { frames: 0, rejectedPackets: 0 };
  try {
    openVideoInput(input, file, options.networkTimeoutS ?? MAX_NETWORK_TIMEOUT_S);
    avCheck(input.findStreamInfoSync(null), 'cannot read the stream information of', file);
    // The stream the backends index and decode, so the truth is of the same pictures.
    const streamIndex = chooseVideoStream(streamFactsOf(input), file);
    const stream = input.streams[streamIndex];
    options.onOpened?.(storedPictureOf(stream));
    const codec = Codec.findDecoder(stream.codecpar.codecId);
    if (!codec) throw new Error(`no decoder for the video stream of ${file}`);
    configureDecoder(decoder, codec, stream, options.threads ?? 1, file);
    avCheck(decoder.open2Sync(codec, null), 'cannot open the decoder for', file);
    const drain = () => {
      for (;;) {
        const received = decoder.receiveFrameSync(picture);
        if (received === AVERROR_EAGAIN || received === AVERROR_EOF) return;
        avCheck(received, 'cannot decode', file);
        onFrame(picture, result.frames++);
        picture.unref();
      }
    };
    const send = (from: Packet | null) => {
      const sent = decoder.sendPacketSync(from);
      // As in the engine: a damaged packet costs its frame, not the video.
      if (sent === AVERROR_INVALIDDATA) {
        result.rejectedPackets++;
        result.lastRejection = avErrorText(sent);
      } else avCheck(sent, 'cannot decode', file);
    };
    for (;;) {
      const read = input.readFrameSync(packet);
      if (read === AVERROR_EOF) break;
      avCheck(read, 'cannot read', file);
      if (packet.streamIndex === streamIndex) send(packet);
      packet.unref();
      drain();
    }
    send(null);
    drain();
    return result;
  } finally {
    decoder.freeContext();
    input.closeInputSync();
    packet.free();
    picture.free();
  }
}
