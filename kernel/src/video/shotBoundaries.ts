/**
 * Shot boundaries from small decoded frames, as pure functions: the rule of FFmpeg's `scdet`
 * filter applied to the luma of frames decoded with their shorter side at SCENE_FRAME_SIZE px.
 *
 * d_i = mean |Y_i - Y_(i-1)| / 255 (0..1), score_i = min(d_i, |d_i - d_(i-1)|), a cut before
 * frame i when score_i >= threshold. The min() is scdet's: steady fast motion keeps d high on
 * every frame, so |d_i - d_(i-1)| stays small and no cut is found inside it; a hard cut is one
 * frame whose difference jumps above its neighbour's.
 */

/** Shorter side of the frames the measure looks at: enough to tell shots apart, cheap to decode and compare. */
export const SCENE_FRAME_SIZE = 64;
/** scdet's default threshold (10 on its 0..100 scale): hard cuts between unrelated shots score 0.15 and more. */
export const DEFAULT_SCENE_THRESHOLD = 0.1;

/** One shot: frames `start_frame..end_frame` inclusive, seconds from its first frame's start to its last frame's end. */
export interface SceneRecord {
  start_frame: number;
  end_frame: number;
  start: number;
  end: number;
  /** The shot's middle frame, floor((start_frame + end_frame) / 2): away from a cut's blends and fades. */
  keyframe_index: number;
}

/** Luma (BT.601 weights, integer) of packed RGB24 pixels. */
export function lumaOf(rgb: Uint8Array): Uint8Array {
  const luma = new Uint8Array(rgb.length / 3);
  for (let i = 0, p = 0; i < luma.length; i++, p += 3) luma[i] = (77 * rgb[p] + 150 * rgb[p + 1] + 29 * rgb[p + 2]) >> 8;
  return luma;
}

/** Mean absolute difference of two equally sized luma planes, 0..1. */
export function lumaDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`lumaDifference: planes of ${a.length} and ${b.length} pixels`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / (a.length * 255);
}

/**
 * scdet's score of each frame from the differences to its previous frame (`differences[i]` is
 * frame i's, `differences[0]` is 0: the first frame follows nothing).
 */
export function cutScores(differences: readonly number[]): number[] {
  return differences.map((difference, i) => (i === 0 ? 0 : Math.min(difference, Math.abs(difference - differences[i - 1]))));
}

/**
 * The frames that start a new shot, ascending: those scoring at least `threshold`; with
 * `maxScenes`, only the `maxScenes - 1` strongest of them (the earlier one on equal scores), so a
 * cap drops the doubtful cuts rather than the video's end.
 */
export function cutFrames(scores: readonly number[], threshold: number, maxScenes?: number): number[] {
  const cuts = scores.flatMap((score, i) => (i > 0 && score >= threshold ? [i] : []));
  if (maxScenes === undefined || cuts.length < maxScenes) return cuts;
  const strongest = [...cuts].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, maxScenes - 1);
  return strongest.sort((a, b) => a - b);
}

/**
 * The shots between the cuts over `timestamps.length` frames; a shot ends at the next one's
 * start, the last one at `t0 + duration`.
 */
export function scenesOf(cuts: readonly number[], timestamps: readonly number[], duration: number): SceneRecord[] {
  const starts = [0, ...cuts];
  return starts.map((start, i) => {
    const end = (starts[i + 1] ?? timestamps.length) - 1;
    return {
      start_frame: start,
      end_frame: end,
      start: timestamps[start],
      end: timestamps[end + 1] ?? timestamps[0] + duration,
      keyframe_index: Math.floor((start + end) / 2),
    };
  });
}

/** Refuses a threshold outside (0, 1] or a cap below one scene, naming the caller. */
export function checkSceneArguments(threshold: number | undefined, maxScenes: number | undefined): void {
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold > 0 && threshold <= 1)) {
    throw new RangeError(`scenes: threshold must be a number in (0, 1], got ${threshold}`);
  }
  if (maxScenes !== undefined && !(Number.isInteger(maxScenes) && maxScenes >= 1)) {
    throw new RangeError(`scenes: maxScenes must be a whole number >= 1, got ${maxScenes}`);
  }
}
