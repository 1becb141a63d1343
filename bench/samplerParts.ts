/**
 * The samplers the benchmark times against the PyAV script: what each runs and what a video's
 * outputs must agree on.
 */
import { DEFAULT_SCENE_THRESHOLD } from '../kernel/src/video/shotBoundaries';
import type { BenchDataset } from './benchDataset';
import type { EngineResult } from './engineRuns';
import { distinctIndices, sameIndices, type SamplerPart } from './samplerBenchmark';
import type { SceneClips } from './sceneClips';

function shown(indices: readonly number[]): string {
  return indices.length > 12 ? `[${indices.slice(0, 12).join(',')},… ${indices.length} in all]` : `[${indices.join(',')}]`;
}

const engineIndices = (engine: EngineResult) => distinctIndices(engine.frames.map((frame) => frame.index));

/** `--fn fps --fps R` against the script's one-pass mode: the same frame for every sampling time. */
export function fpsPart(dataset: BenchDataset, fps: number, size: number): SamplerPart {
  return {
    title: `fps sampling at ${fps} fps (--fn fps --fps ${fps}), JPEGs at ${size} px`,
    name: 'fps',
    dataset,
    engineArgs: ['--fn', 'fps', '--fps', String(fps)],
    pyavArgs: (outDir) => ['--fps', String(fps), outDir, String(size)],
    compare(_video, engine, pyav) {
      const mine = engineIndices(engine);
      const theirs = distinctIndices(pyav.frames);
      return sameIndices(mine, theirs) ? undefined : `frames ${shown(mine)} against the script's ${shown(theirs)}`;
    },
  };
}

/**
 * `--fn scenes` (scdet's rule on 64 px luma at the default threshold) against the script's scenes
 * mode: the same cuts, where the sources were joined, and the same middle frames.
 */
export function scenesPart(clips: SceneClips, size: number): SamplerPart {
  const threshold = DEFAULT_SCENE_THRESHOLD;
  return {
    title: `scenes (--fn scenes, threshold ${threshold}), videos of ${[...clips.cuts.values()][0].length + 1} joined sources, JPEGs at ${size} px`,
    name: 'scenes',
    dataset: clips.dataset,
    engineArgs: ['--fn', 'scenes'],
    pyavArgs: (outDir) => ['--scenes', String(threshold), outDir, String(size)],
    compare(video, engine, pyav) {
      const cuts = (engine.scenes ?? []).slice(1).map((scene) => scene.start_frame);
      const joins = clips.cuts.get(video.id) ?? [];
      if (!sameIndices(cuts, pyav.cuts ?? [])) return `cuts ${shown(cuts)} against the script's ${shown(pyav.cuts ?? [])}`;
      if (!sameIndices(cuts, joins)) return `cuts ${shown(cuts)} where the sources were joined at ${shown(joins)}`;
      const mine = engineIndices(engine);
      return sameIndices(mine, distinctIndices(pyav.frames)) ? undefined : `middle frames ${shown(mine)} against the script's ${shown(pyav.frames)}`;
    },
  };
}
