/**
 * npm run bench [-- --quick] [-- --runs N] [-- --skip-PART] [-- --only PART], PART: extraction|short|formats|large|cluster|fps|scenes|http
 * Frame-exact 16-frame extraction (224 px JPEGs, 2 workers) over a generated dataset by this engine
 * and by the usual alternatives, all in one run, every frame checked by the index stamped into it;
 * then the same over a few hundred short clips, this engine against the PyAV script (where each
 * video's fixed cost decides); keyframes of a thousand short clips into JPEG folders and into
 * WebDataset shards; then a large CSV, a million rows, with a function that opens no video and
 * with the metadata built-in (per-row cost, memory of the process tree, resume, results files);
 * then the job queue against one machine on the short clips, and a million-row job's submit, merge
 * and shard start. Then the samplers against the PyAV script's modes (fps at 1 fps over the
 * dataset, scenes over videos of joined sources) and the dataset's keyframes over HTTP against disk.
 * Figures go to stdout and to bench/data/results.json.
 */
import { writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { findOnPath } from '../kernel/src/pathLookup';
import { ensureDataset } from './benchDataset';
import { formatExtraction, runExtractionBenchmark, type ExtractionResult } from './extractionBenchmark';
import type { ExtractionSettings } from './extractionMethods';
import { EXTRACTION_METHODS, SHORT_CLIP_METHODS } from './extractionMethods';
import { formatCluster, runClusterBenchmark, type ClusterResult } from './clusterBenchmark';
import { formatFormats, runFormatBenchmark, type FormatResult } from './formatBenchmark';
import { formatLargeCsv, runLargeCsvBenchmark, type LargeCsvResult } from './largeCsvBenchmark';
import { ensureShortClips } from './shortClips';
import { runInputParts, type InputPartResults } from './inputParts';

const DATA = path.resolve(__dirname, '..', '..', 'bench', 'data');
/** Debian's interpreter: python3-av and python3-pil are its packages, not a virtualenv's. */
const PYTHON = '/usr/bin/python3';

const PARTS = ['extraction', 'short', 'formats', 'large', 'cluster', 'fps', 'scenes', 'http'] as const;
type BenchPart = (typeof PARTS)[number];

interface BenchOptions {
  quick: boolean;
  runs: number;
  parts: BenchPart[];
}

/** Short clips in the full run and in --quick: a few hundred, so per-video costs dominate. */
const SHORT_CLIPS = { full: 240, quick: 60 };
/** Rows of the job whose submit, merge and shard start are timed. */
const CLUSTER_SCALE_ROWS = { full: 1_000_000, quick: 100_000 };
/** Videos (rows over the short clips) for the output formats compared. */
const FORMAT_VIDEOS = { full: 1000, quick: 200 };

function parseOptions(args: string[]): BenchOptions {
  const quick = args.includes('--quick');
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs wants a whole number >= 1, got ${args[at + 1]}`);
  const only = args.indexOf('--only');
  const chosen = only >= 0 ? args[only + 1] : undefined;
  if (chosen !== undefined && !(PARTS as readonly string[]).includes(chosen)) throw new Error(`--only wants one of ${PARTS.join(', ')}, got ${chosen}`);
  const skipped = new Set(PARTS.filter((part) => args.includes(`--skip-${part}`)));
  return { quick, runs, parts: PARTS.filter((part) => (chosen ? part === chosen : !skipped.has(part))) };
}

function requireProgram(name: string): string {
  const found = findOnPath(name);
  if (!found) throw new Error(`the benchmark needs ${name} on PATH (Debian: apt-get install ffmpeg)`);
  return found;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const ffmpeg = requireProgram('ffmpeg');
  const ffprobe = requireProgram('ffprobe');
  const settings: ExtractionSettings = { numFrames: 16, size: 224, workers: 2, ffmpeg, python: PYTHON };
  const loadBefore = os.loadavg();
  const report: string[] = [];
  let extraction: ExtractionResult | undefined;
  let shortClips: ExtractionResult | undefined;
  let largeCsv: LargeCsvResult | undefined;
  let formats: FormatResult | undefined;
  let cluster: ClusterResult | undefined;
  if (options.parts.includes('extraction') || options.parts.includes('large')) {
    const dataset = await ensureDataset(DATA, options.quick, ffprobe, log);
    if (options.parts.includes('extraction')) {
      extraction = await runExtractionBenchmark(EXTRACTION_METHODS, dataset, path.join(DATA, 'runs'), settings, options.runs, log);
      report.push(formatExtraction(extraction));
    }
    if (options.parts.includes('large')) {
      // The sizes: 100k and a million rows, a function that opens no video and the metadata built-in.
      const plan = options.quick ? { noop: [20_000, 100_000], metadata: [2_000, 10_000] } : { noop: [100_000, 1_000_000], metadata: [100_000, 1_000_000] };
      largeCsv = await runLargeCsvBenchmark(plan, DATA, dataset.videos.slice(0, 3).map((video) => video.path), log);
    }
  }
  if (options.parts.some((part) => part === 'short' || part === 'formats' || part === 'cluster')) {
    const clips = await ensureShortClips(DATA, options.quick ? SHORT_CLIPS.quick : SHORT_CLIPS.full, ffmpeg, ffprobe, log);
    if (options.parts.includes('short')) {
      shortClips = await runExtractionBenchmark(SHORT_CLIP_METHODS, clips, path.join(DATA, 'runs-short'), settings, options.runs, log);
      report.push(formatExtraction(shortClips, 'Short clips (4-10 s, 240p), frame-exact extraction'));
    }
    if (options.parts.includes('formats')) {
      formats = await runFormatBenchmark(clips.videos.map((video) => video.path), DATA, options.quick ? FORMAT_VIDEOS.quick : FORMAT_VIDEOS.full, log);
      report.push(formatFormats(formats));
    }
    if (options.parts.includes('cluster')) {
      cluster = await runClusterBenchmark(clips.videos.map((video) => video.path), DATA, options.quick ? CLUSTER_SCALE_ROWS.quick : CLUSTER_SCALE_ROWS.full, log);
      report.push(formatCluster(cluster));
    }
  }
  const inputs: InputPartResults = await runInputParts(options.parts, { data: DATA, quick: options.quick, runs: options.runs, ffmpeg, ffprobe, settings, log }, report);
  if (largeCsv) report.push(formatLargeCsv(largeCsv));
  const machine = { cpus: os.availableParallelism(), node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() };
  report.push(`Load average before/after (1 min): ${loadBefore[0].toFixed(1)} / ${machine.loadAverageAfter[0].toFixed(1)} on ${machine.cpus} CPUs`);
  const resultsPath = path.join(DATA, options.quick ? 'results-quick.json' : 'results.json');
  await writeFile(resultsPath, JSON.stringify({ date: new Date().toISOString(), options, machine, extraction, shortClips, formats, largeCsv, cluster, ...inputs }, null, 2));
  process.stdout.write(`\n${report.join('\n\n')}\n(written to ${resultsPath})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
