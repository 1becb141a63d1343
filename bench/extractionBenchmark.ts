/**
 * Times every extraction method over the dataset, each GOP length on its own (the target holds for
 * both). Within a run the methods follow each other closely, in an order that rotates from run to
 * run, and ratios to the PyAV script are taken within a run before the median: load from elsewhere
 * on the machine then moves a method and its reference together. CPU seconds of the method's
 * processes are kept beside wall time, since other load barely moves them.
 */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { GOP_LENGTHS, subset, type BenchDataset } from './benchDataset';
import { childCpuSeconds } from './childCpu';
import type { ExtractionMethod, ExtractionSettings } from './extractionMethods';
import { checkFrames, type FrameCheck } from './frameCheck';
import { median } from './medians';

export interface MethodResult {
  name: string;
  /** Whole dataset, per run: the sum of the GOP groups' times. */
  runSeconds: number[];
  seconds: number;
  videosPerSecond: number;
  /** Median CPU seconds of the method's processes over the whole dataset (Linux). */
  cpuSeconds?: number;
  /** Median seconds per GOP length. */
  secondsByGop: Record<string, number>;
  check: FrameCheck;
  exact: boolean;
  vsFastestExact: number;
  /** Medians of the per-run ratios to the PyAV script: wall time, per GOP length, CPU time. */
  vsPyav?: number;
  /** The per-run ratios behind `vsPyav`, in run order: their spread. */
  vsPyavRuns?: number[];
  vsPyavByGop?: Record<string, number>;
  cpuVsPyav?: number;
  errors: string[];
}

export interface ExtractionResult {
  videos: number;
  frames: number;
  bFrames: number;
  runs: number;
  settings: Omit<ExtractionSettings, 'ffmpeg' | 'python'>;
  methods: MethodResult[];
}

const PYAV_PREFIX = 'PyAV';

function addChecks(a: FrameCheck, b: FrameCheck): FrameCheck {
  return { expected: a.expected + b.expected, wrong: a.wrong + b.wrong, missing: a.missing + b.missing };
}

/** Wall and CPU seconds of one method on one GOP group, one entry per run. */
interface Timing {
  wall: number[];
  cpu: number[];
}

/** The methods in an order shifted by one each run, so none is always timed first or last. */
function rotated(methods: readonly ExtractionMethod[], run: number): ExtractionMethod[] {
  const shift = run % methods.length;
  return [...methods.slice(shift), ...methods.slice(0, shift)];
}

export async function runExtractionBenchmark(
  methods: readonly ExtractionMethod[],
  dataset: BenchDataset,
  runDir: string,
  settings: ExtractionSettings,
  runs: number,
  log: (line: string) => void,
): Promise<ExtractionResult> {
  const groups = await Promise.all(GOP_LENGTHS.map(async (gop) => ({ gop: String(gop), data: await subset(dataset, `gop${gop}`, (video) => video.gop === gop) })));
  const timings = new Map<string, Map<string, Timing>>(methods.map((method) => [method.name, new Map(groups.map(({ gop }) => [gop, { wall: [], cpu: [] }]))]));
  const checks = new Map<string, FrameCheck>();
  const errors = new Map<string, string[]>();
  for (let run = 0; run < runs; run++) {
    for (const { gop, data } of groups) {
      for (const method of rotated(methods, run)) {
        const outDir = path.join(runDir, `${method.name.replace(/[^a-z0-9]+/gi, '-')}-gop${gop}`);
        await rm(outDir, { recursive: true, force: true });
        const cpuBefore = childCpuSeconds();
        const started = performance.now();
        const extracted = await method.run(data, outDir, settings).catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          errors.set(method.name, [...(errors.get(method.name) ?? []), message]);
          log(`${method.name}, GOP ${gop}: ${message}`);
          return undefined;
        });
        const seconds = (performance.now() - started) / 1000;
        const cpuAfter = childCpuSeconds();
        if (!extracted) continue;
        const timing = timings.get(method.name)!.get(gop)!;
        timing.wall[run] = seconds;
        timing.cpu[run] = cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore;
        if (run === 0) {
          const check = await checkFrames(data, extracted, settings.numFrames, settings.size);
          checks.set(method.name, addChecks(checks.get(method.name) ?? { expected: 0, wrong: 0, missing: 0 }, check));
        }
        log(`run ${run + 1}: ${method.name}, GOP ${gop}: ${seconds.toFixed(2)} s, ${timing.cpu[run].toFixed(2)} CPU s`);
      }
    }
  }
  // A method counts only when every run of every group finished: a partial total would flatter it.
  const finished = (byGop: Map<string, Timing>) => groups.every(({ gop }) => byGop.get(gop)!.wall.filter(Number.isFinite).length === runs);
  const complete = [...timings].filter(([, byGop]) => finished(byGop));
  const totals = (byGop: Map<string, Timing>, kind: keyof Timing) =>
    Array.from({ length: runs }, (_, run) => groups.reduce((sum, { gop }) => sum + byGop.get(gop)![kind][run], 0));
  const pyav = complete.find(([name]) => name.startsWith(PYAV_PREFIX))?.[1];
  const pairedRatio = (mine: number[], reference: number[]) => median(mine.map((value, run) => value / reference[run]));
  const measured = complete.map(([name, byGop]) => {
    const check = checks.get(name)!;
    const runSeconds = totals(byGop, 'wall');
    const cpuSeconds = median(totals(byGop, 'cpu'));
    return {
      name,
      runSeconds,
      seconds: median(runSeconds),
      videosPerSecond: dataset.videos.length / median(runSeconds),
      cpuSeconds: Number.isNaN(cpuSeconds) ? undefined : cpuSeconds,
      secondsByGop: Object.fromEntries(groups.map(({ gop }) => [gop, median(byGop.get(gop)!.wall)])),
      check,
      exact: check.wrong === 0 && check.missing === 0,
      vsPyav: pyav && pairedRatio(runSeconds, totals(pyav, 'wall')),
      vsPyavRuns: pyav && runSeconds.map((value, run) => value / totals(pyav, 'wall')[run]),
      vsPyavByGop: pyav && Object.fromEntries(groups.map(({ gop }) => [gop, pairedRatio(byGop.get(gop)!.wall, pyav.get(gop)!.wall)])),
      cpuVsPyav: pyav && pairedRatio(totals(byGop, 'cpu'), totals(pyav, 'cpu')),
      errors: errors.get(name) ?? [],
    };
  });
  const fastestExact = Math.min(...measured.filter((entry) => entry.exact).map((entry) => entry.seconds));
  const results: MethodResult[] = measured.map((entry) => ({ ...entry, vsFastestExact: entry.seconds / fastestExact }));
  for (const [name] of timings) if (!complete.some(([done]) => done === name)) log(`${name}: left out of the table, some runs failed`);
  return {
    videos: dataset.videos.length,
    frames: dataset.videos.reduce((sum, video) => sum + video.frameCount, 0),
    bFrames: dataset.videos.reduce((sum, video) => sum + video.bFrameCount, 0),
    runs,
    settings: { numFrames: settings.numFrames, size: settings.size, workers: settings.workers },
    methods: results,
  };
}

export function formatExtraction(result: ExtractionResult, title = 'Frame-exact extraction'): string {
  const gops = GOP_LENGTHS.map(String);
  const ratio = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(2)}x`);
  const header = [
    'method'.padEnd(38),
    'time'.padStart(9),
    'videos/s'.padStart(9),
    'vs fastest'.padStart(10),
    'vs PyAV'.padStart(8),
    'CPU s'.padStart(8),
    'CPU/PyAV'.padStart(9),
    ...gops.map((gop) => `GOP${gop}/PyAV`.padStart(12)),
    'wrong'.padStart(9),
  ].join(' ');
  const rows = result.methods.map((entry) =>
    [
      entry.name.padEnd(38),
      `${entry.seconds.toFixed(2)} s`.padStart(9),
      entry.videosPerSecond.toFixed(2).padStart(9),
      (entry.exact ? ratio(entry.vsFastestExact) : 'not exact').padStart(10),
      ratio(entry.vsPyav).padStart(8),
      (entry.cpuSeconds === undefined ? '-' : entry.cpuSeconds.toFixed(1)).padStart(8),
      ratio(entry.cpuVsPyav).padStart(9),
      ...gops.map((gop) => ratio(entry.vsPyavByGop?.[gop]).padStart(12)),
      `${entry.check.wrong + entry.check.missing}/${entry.check.expected}`.padStart(9),
    ].join(' '),
  );
  const spreads = result.methods
    .filter((entry) => !entry.name.startsWith(PYAV_PREFIX) && entry.vsPyavRuns)
    .map((entry) => `${entry.name} / PyAV, run by run: ${entry.vsPyavRuns!.map(ratio).join(' ')} (median ${ratio(entry.vsPyav)})`);
  return [
    `${title}: ${result.videos} videos (${result.frames} frames, ${result.bFrames} of them B-frames), ` +
      `${result.settings.numFrames} frames each at ${result.settings.size} px as JPEG, ${result.settings.workers} workers, median of ${result.runs}`,
    header,
    ...rows,
    ...spreads,
  ].join('\n');
}
