/**
 * The time-based samplers against the PyAV script's modes, in the same run: `--fn fps` against its
 * one-pass fps mode over the main dataset, `--fn scenes` against its scenes mode over videos with
 * real cuts. Engine and script take turns (which goes first alternates by run) and the ratio is the
 * median of the per-run ratios. In the first run each video's frames are compared: the engine's
 * indices with the script's, and for scenes the cuts with the script's and with where the sources
 * were joined.
 */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { BenchDataset, BenchVideo } from './benchDataset';
import { timed } from './childCpu';
import { runEngine, runPyavScript, type EngineBackend, type EngineResult, type PyavVideoResult, type RunSettings } from './engineRuns';
import { median } from './medians';

/** One sampler to time: the engine's flags, the script's mode, and what a video's outputs must agree on. */
export interface SamplerPart {
  title: string;
  /** Short name for folders and logs. */
  name: string;
  dataset: BenchDataset;
  engineArgs: string[];
  /** The script's arguments before the videos, given its output folder. */
  pyavArgs(outDir: string): string[];
  /** What differs between the two for one video, in words; undefined when they agree. */
  compare(video: BenchVideo, engine: EngineResult, pyav: PyavVideoResult): string | undefined;
}

export interface SamplerBackendResult {
  backend: EngineBackend;
  engineSeconds: number[];
  /** CPU seconds of the engine's processes per run (NaN off Linux): barely moved by other load. */
  engineCpuSeconds: number[];
  /** Median of engine / script per run, and those ratios in run order; the median of the CPU ratios. */
  ratio: number;
  ratioRuns: number[];
  cpuRatio: number;
  /** Videos whose outputs differ from the script's (empty: all agree), in words. */
  mismatches: string[];
}

export interface SamplerResult {
  title: string;
  videos: number;
  /** Frames the script wrote in the first run. */
  frames: number;
  runs: number;
  pyavSeconds: number[];
  pyavCpuSeconds: number[];
  backends: SamplerBackendResult[];
}

/** Indices as a set, in order: a sampler may name a frame once per time it shows. */
export function distinctIndices(indices: readonly number[]): number[] {
  return [...new Set(indices)].sort((a, b) => a - b);
}

export function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function mismatches(part: SamplerPart, engine: Map<string, EngineResult | undefined>, pyav: Map<string, PyavVideoResult>): string[] {
  return part.dataset.videos.flatMap((video) => {
    const mine = engine.get(video.id);
    const theirs = pyav.get(video.path);
    if (!mine || !theirs) return [`${video.id}: ${mine ? 'the script' : 'the engine'} gave no result`];
    const difference = part.compare(video, mine, theirs);
    return difference ? [`${video.id}: ${difference}`] : [];
  });
}

export async function runSamplerBenchmark(
  part: SamplerPart,
  backends: readonly EngineBackend[],
  runDir: string,
  settings: RunSettings,
  runs: number,
  log: (line: string) => void,
): Promise<SamplerResult> {
  const pyavSeconds: number[] = [];
  const pyavCpuSeconds: number[] = [];
  let frames = 0;
  const byBackend = new Map(backends.map((backend) => [backend, { seconds: [] as number[], cpuSeconds: [] as number[], mismatches: [] as string[] }]));
  for (let run = 0; run < runs; run++) {
    const pyavDir = path.join(runDir, `${part.name}-pyav`);
    const script = async () => {
      await rm(pyavDir, { recursive: true, force: true });
      const done = await timed(() => runPyavScript(part.dataset.videos, settings, part.pyavArgs(pyavDir)));
      pyavSeconds.push(done.seconds);
      pyavCpuSeconds.push(done.cpuSeconds);
      log(`run ${run + 1}: ${part.name}, PyAV script: ${done.seconds.toFixed(2)} s, ${done.cpuSeconds.toFixed(2)} CPU s`);
      return done.value;
    };
    // Which goes first alternates, so neither always meets a cold page cache or a busier machine.
    const pyav = run % 2 ? await script() : undefined;
    const engineResults = new Map<EngineBackend, Map<string, EngineResult | undefined>>();
    for (const backend of backends) {
      const outDir = path.join(runDir, `${part.name}-${backend}`);
      await rm(outDir, { recursive: true, force: true });
      const done = await timed(() => runEngine(part.dataset.csvPath, outDir, settings, backend, part.engineArgs));
      byBackend.get(backend)!.seconds.push(done.seconds);
      byBackend.get(backend)!.cpuSeconds.push(done.cpuSeconds);
      engineResults.set(backend, done.value);
      log(`run ${run + 1}: ${part.name}, this engine (${backend}): ${done.seconds.toFixed(2)} s, ${done.cpuSeconds.toFixed(2)} CPU s`);
    }
    const reference = pyav ?? (await script());
    if (run > 0) continue;
    frames = [...reference.values()].reduce((sum, video) => sum + distinctIndices(video.frames).length, 0);
    for (const [backend, results] of engineResults) byBackend.get(backend)!.mismatches = mismatches(part, results, reference);
  }
  return {
    title: part.title,
    videos: part.dataset.videos.length,
    frames,
    runs,
    pyavSeconds,
    pyavCpuSeconds,
    backends: [...byBackend].map(([backend, { seconds, cpuSeconds, mismatches: differing }]) => {
      const ratioRuns = seconds.map((value, run) => value / pyavSeconds[run]);
      const cpuRatio = median(cpuSeconds.map((value, run) => value / pyavCpuSeconds[run]));
      return { backend, engineSeconds: seconds, engineCpuSeconds: cpuSeconds, ratio: median(ratioRuns), ratioRuns, cpuRatio, mismatches: differing };
    }),
  };
}

export function formatSampler(result: SamplerResult): string {
  const spread = (values: number[]) => (values.length > 1 ? ` (runs ${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}x)` : '');
  const lines = [
    `${result.title}: ${result.videos} videos, ${result.frames} frames, median of ${result.runs}`,
    `  PyAV script: ${median(result.pyavSeconds).toFixed(2)} s, ${median(result.pyavCpuSeconds).toFixed(1)} CPU s`,
  ];
  for (const entry of result.backends) {
    const agreement = entry.mismatches.length ? `DIFFERS on ${entry.mismatches.length}/${result.videos}: ${entry.mismatches.slice(0, 3).join('; ')}` : `same frames as the script on ${result.videos}/${result.videos}`;
    lines.push(
      `  this engine, ${entry.backend}: ${median(entry.engineSeconds).toFixed(2)} s = ${entry.ratio.toFixed(2)}x the script${spread(entry.ratioRuns)},`
      + ` ${median(entry.engineCpuSeconds).toFixed(1)} CPU s = ${entry.cpuRatio.toFixed(2)}x; ${agreement}`,
    );
  }
  return lines.join('\n');
}
