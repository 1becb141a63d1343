/**
 * Times every extraction method over the dataset, each GOP length on its own (the target holds for
 * both), methods interleaved within each run so that load from elsewhere hits them alike.
 */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { GOP_LENGTHS, subset, type BenchDataset } from './benchDataset';
import { EXTRACTION_METHODS, type ExtractionSettings } from './extractionMethods';
import { checkFrames, type FrameCheck } from './frameCheck';

export interface MethodResult {
  name: string;
  /** Whole dataset, per run: the sum of the GOP groups' times. */
  runSeconds: number[];
  seconds: number;
  videosPerSecond: number;
  /** Median seconds per GOP length. */
  secondsByGop: Record<string, number>;
  check: FrameCheck;
  exact: boolean;
  vsFastestExact: number;
  vsPyav?: number;
  vsPyavByGop?: Record<string, number>;
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function addChecks(a: FrameCheck, b: FrameCheck): FrameCheck {
  return { expected: a.expected + b.expected, wrong: a.wrong + b.wrong, missing: a.missing + b.missing };
}

function ratios(seconds: Record<string, number>, base: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(seconds).map(([gop, value]) => [gop, value / base[gop]]));
}

export async function runExtractionBenchmark(
  dataset: BenchDataset,
  runDir: string,
  settings: ExtractionSettings,
  runs: number,
  log: (line: string) => void,
): Promise<ExtractionResult> {
  const groups = await Promise.all(GOP_LENGTHS.map(async (gop) => ({ gop: String(gop), data: await subset(dataset, `gop${gop}`, (video) => video.gop === gop) })));
  const timings = new Map<string, Map<string, number[]>>();
  const checks = new Map<string, FrameCheck>();
  const errors = new Map<string, string[]>();
  for (let run = 0; run < runs; run++) {
    for (const method of EXTRACTION_METHODS) {
      for (const { gop, data } of groups) {
        const outDir = path.join(runDir, `${method.name.replace(/[^a-z0-9]+/gi, '-')}-gop${gop}`);
        await rm(outDir, { recursive: true, force: true });
        const started = performance.now();
        const extracted = await method.run(data, outDir, settings).catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          errors.set(method.name, [...(errors.get(method.name) ?? []), message]);
          log(`${method.name}, GOP ${gop}: ${message}`);
          return undefined;
        });
        const seconds = (performance.now() - started) / 1000;
        if (!extracted) continue;
        const byGop = timings.get(method.name) ?? new Map<string, number[]>();
        byGop.set(gop, [...(byGop.get(gop) ?? []), seconds]);
        timings.set(method.name, byGop);
        if (run === 0) {
          const check = await checkFrames(data, extracted, settings.numFrames, settings.size);
          checks.set(method.name, addChecks(checks.get(method.name) ?? { expected: 0, wrong: 0, missing: 0 }, check));
        }
        log(`run ${run + 1}: ${method.name}, GOP ${gop}: ${seconds.toFixed(2)} s`);
      }
    }
  }
  // A method counts only when every run of every group finished: a partial total would flatter it.
  const complete = [...timings].filter(([, byGop]) => groups.every(({ gop }) => byGop.get(gop)?.length === runs));
  const measured = complete.map(([name, byGop]) => {
    const runSeconds = Array.from({ length: runs }, (_, run) => groups.reduce((sum, { gop }) => sum + byGop.get(gop)![run], 0));
    const check = checks.get(name)!;
    return {
      name,
      runSeconds,
      seconds: median(runSeconds),
      secondsByGop: Object.fromEntries(groups.map(({ gop }) => [gop, median(byGop.get(gop)!)])),
      check,
      exact: check.wrong === 0 && check.missing === 0,
      errors: errors.get(name) ?? [],
    };
  });
  const exact = measured.filter((entry) => entry.exact);
  const fastestExact = exact.length ? Math.min(...exact.map((entry) => entry.seconds)) : Number.NaN;
  const pyav = measured.find((entry) => entry.name.startsWith(PYAV_PREFIX));
  const methods: MethodResult[] = measured.map((entry) => ({
    ...entry,
    videosPerSecond: dataset.videos.length / entry.seconds,
    vsFastestExact: entry.seconds / fastestExact,
    vsPyav: pyav && entry.seconds / pyav.seconds,
    vsPyavByGop: pyav && ratios(entry.secondsByGop, pyav.secondsByGop),
  }));
  const failed = EXTRACTION_METHODS.filter((method) => !complete.some(([name]) => name === method.name));
  for (const method of failed) log(`${method.name}: left out of the table, some runs failed`);
  return {
    videos: dataset.videos.length,
    frames: dataset.videos.reduce((sum, video) => sum + video.frameCount, 0),
    bFrames: dataset.videos.reduce((sum, video) => sum + video.bFrameCount, 0),
    runs,
    settings: { numFrames: settings.numFrames, size: settings.size, workers: settings.workers },
    methods,
  };
}

export function formatExtraction(result: ExtractionResult): string {
  const gops = GOP_LENGTHS.map(String);
  const ratio = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(2)}x`);
  const header = [
    'method'.padEnd(38),
    'time'.padStart(9),
    'videos/s'.padStart(9),
    'vs fastest'.padStart(10),
    'vs PyAV'.padStart(8),
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
      ...gops.map((gop) => ratio(entry.vsPyavByGop?.[gop]).padStart(12)),
      `${entry.check.wrong + entry.check.missing}/${entry.check.expected}`.padStart(9),
    ].join(' '),
  );
  return [
    `Frame-exact extraction: ${result.videos} videos (${result.frames} frames, ${result.bFrames} of them B-frames), ` +
      `${result.settings.numFrames} frames each at ${result.settings.size} px as JPEG, ${result.settings.workers} workers, median of ${result.runs}`,
    header,
    ...rows,
  ].join('\n');
}
