import type { FormatContext } from 'node-av/lib';
import { AV_DISPOSITION_ATTACHED_PIC, AV_DISPOSITION_DEFAULT, AVMEDIA_TYPE_AUDIO, AVMEDIA_TYPE_VIDEO } from 'node-av/constants';
import type { StreamFacts } from '../videoStreamChoice';

/** The streams of an opened file, as the video stream choice reads them. */
export function streamFactsOf(input: FormatContext): StreamFacts[] {
  return input.streams.map((stream) => {
    const type = stream.codecpar.codecType;
    return {
      index: stream.index,
      kind: type === AVMEDIA_TYPE_VIDEO ? 'video' : type === AVMEDIA_TYPE_AUDIO ? 'audio' : 'other',
      attachedPicture: (stream.disposition & AV_DISPOSITION_ATTACHED_PIC) !== 0,
      isDefault: (stream.disposition & AV_DISPOSITION_DEFAULT) !== 0,
      bitRate: Number(stream.codecpar.bitRate),
    };
  });
}
