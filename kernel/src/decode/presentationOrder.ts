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
 * Refuses frames (sorted by pts) whose pts cannot tell them apart: decoded frames are found by
 * their pts, so without distinct ones no frame can be found exactly. `reorderedWithoutPts`: some
 * packets lacked a pts while the codec reorders frames, so their dts is no presentation time.
 */
export function checkDistinctPts(pts: readonly bigint[], reorderedWithoutPts: boolean, file: string): void {
  if (reorderedWithoutPts || pts.some((value, index) => value === NO_PTS || (index > 0 && value === pts[index - 1]))) {
    throw new Error(
      `cannot index the frames of ${file}: its packets carry no distinct presentation timestamps` +
        (reorderedWithoutPts ? ' while its frames are reordered (B-frames in AVI or in a raw stream)' : ' (a raw stream without timestamps?)'),
    );
  }
}
