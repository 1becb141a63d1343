/**
 * How a packet's timestamps give its frame's place in presentation order: one rule for the
 * in-process index and for ffprobe's packet list, so both number a video's frames alike.
 */

/** No timestamp, as FFmpeg spells it (AV_NOPTS_VALUE). */
export const NO_PTS = -(2n ** 63n);

/** The frame's presentation timestamp: the packet's pts, else its dts (without B-frames decode order is presentation order). */
export function framePts(pts: bigint, dts: bigint): bigint {
  return pts !== NO_PTS ? pts : dts;
}

/**
 * Why the packets (in decode order, with `framePts`) cannot give the presentation order, or
 * undefined when they can. Then frame i is only knowable as the decoder's i-th output, which is
 * what FFmpeg itself numbers. `reordered`: some packets lacked a pts while the codec reorders
 * frames; `discontinuous`: the format allows timestamp jumps.
 */
export function fileOrderReason(frames: readonly { pts: bigint; dts: bigint }[], stream: { reordered: boolean; discontinuous: boolean }): string | undefined {
  if (stream.reordered) return 'its frames are reordered (B-frames) but its packets carry no presentation timestamps';
  const pts = frames.map((frame) => frame.pts).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (pts.some((value, index) => value === NO_PTS || (index > 0 && value === pts[index - 1]))) return 'its packets carry no distinct presentation timestamps';
  // Segments joined end to end (concatenated MPEG-TS): timestamps start over. Only where the format
  // allows discontinuities: elsewhere (Matroska) lavf guesses decoding times that may step back.
  if (stream.discontinuous && frames.some((frame, index) => index > 0 && frame.dts < frames[index - 1].dts)) return 'its timestamps jump back (joined segments)';
  return undefined;
}
