/**
 * Which stream of a file is "the video": one rule for both backends, whether libavformat in
 * process or ffprobe described the streams, so that both index and decode the same one.
 */

/** What the choice needs to know of each stream of a file. */
export interface StreamFacts {
  /** The stream's absolute index in the file (what `[0:<index>]` and `-select_streams <index>` name). */
  index: number;
  kind: 'video' | 'audio' | 'other';
  /** A still picture attached to the file (cover art, a thumbnail): one image, never a video. */
  attachedPicture: boolean;
  /** The container marks it as the stream to play by default. */
  isDefault: boolean;
  /** Bits per second the container states (0 when it states none). */
  bitRate: number;
}

/**
 * The video stream both backends read: FFmpeg's "best stream" preference (av_find_best_stream, as
 * ffplay picks the video it shows) over the video streams that are not attached pictures: the one
 * marked default first, then the one with the higher bit rate, then the lower index.
 * av_find_best_stream also weighs how many frames its probing decoded, which ffprobe does not
 * report; that weight mostly keeps a still picture from winning, and attached pictures are left
 * out here anyway, so both readers choose alike without it.
 */
export function chooseVideoStream(streams: readonly StreamFacts[], file: string): number {
  const candidates = streams.filter((stream) => stream.kind === 'video' && !stream.attachedPicture);
  if (!candidates.length) throw new Error(noVideoStream(streams, file));
  const better = (a: StreamFacts, b: StreamFacts) => (a.isDefault !== b.isDefault ? a.isDefault : a.bitRate !== b.bitRate ? a.bitRate > b.bitRate : a.index < b.index);
  return candidates.reduce((best, stream) => (better(stream, best) ? stream : best)).index;
}

/** Why a file has no video to decode, in the words of what it does have. */
function noVideoStream(streams: readonly StreamFacts[], file: string): string {
  const audio = streams.some((stream) => stream.kind === 'audio');
  const picture = streams.some((stream) => stream.kind === 'video' && stream.attachedPicture);
  if (picture) return `no video stream in ${file} (only ${audio ? 'audio and ' : ''}an attached picture / cover art)`;
  return audio ? `no video stream in ${file} (only audio)` : `no video stream in ${file}`;
}
