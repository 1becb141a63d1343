/**
 * The same extraction (16 keyframes at 224 px, 2 workers) over the same videos read from disk and
 * as http://127.0.0.1 URLs from a Range-capable server on a worker thread of this process, each
 * backend in turn, local and HTTP alternating which goes first. It reports the time ratio and the
 * bytes the server sent against the bytes the files hold: what reading by ranges saves.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { RangeServer } from '../test/decode/rangeServer';
import type { BenchDataset } from './benchDataset';
import { timed } from './childCpu';
import { runEngine, type EngineBackend, type EngineResult, type RunSettings } from './engineRuns';
import { checkFrames } from './frameCheck';
import { median } from './medians';

export interface HttpBackendResult {
  backend: EngineBackend;
  localSeconds: number[];
  httpSeconds: number[];
  /** CPU seconds of the engine's processes per run (the server's, in this process, left out). */
  localCpuSeconds: number[];
  httpCpuSeconds: number[];
  /** Median of HTTP / local per run, and those ratios in run order. */
  ratio: number;
  ratioRuns: number[];
  /** Per run over HTTP: body bytes the server wrote, and requests. */
  bytesServed: number[];
  requests: number[];
  /** Frames over HTTP that are not the stamped frame asked for, or missing, of those asked for. */
  wrongFrames: number;
  expectedFrames: number;
}

export interface HttpResult {
  videos: number;
  fileBytes: number;
  numFrames: number;
  runs: number;
  backends: HttpBackendResult[];
}

/** Served below this share of the files' bytes counts as reading by ranges. */
const RANGE_READ_SHARE = 0.5;

async function urlCsv(dataset: BenchDataset, server: RangeServer, csvPath: string): Promise<void> {
  const rows = dataset.videos.map((video) => `${video.id},${server.url(path.basename(video.path))}`);
  await writeFile(csvPath, ['video_id,video_path', ...rows].join('\n') + '\n');
}

const framesOf = (results: Map<string, EngineResult | undefined>) =>
  new Map([...results].map(([id, result]) => [id, new Map((result?.frames ?? []).map((frame) => [frame.index, frame.path]))]));

export async function runHttpBenchmark(
  dataset: BenchDataset,
  backends: readonly EngineBackend[],
  runDir: string,
  settings: RunSettings & { numFrames: number },
  runs: number,
  log: (line: string) => void,
): Promise<HttpResult> {
  const folders = new Set(dataset.videos.map((video) => path.dirname(video.path)));
  if (folders.size !== 1) throw new Error(`the HTTP benchmark serves one folder; the dataset spans ${folders.size}`);
  const fileBytes = (await Promise.all(dataset.videos.map(async (video) => (await stat(video.path)).size))).reduce((sum, size) => sum + size, 0);
  const fnArgs = ['--fn', 'keyframes', '--num-frames', String(settings.numFrames)];
  const server = await RangeServer.start([...folders][0]);
  try {
    const urls: BenchDataset = { csvPath: path.join(runDir, 'videos-http.csv'), videos: dataset.videos };
    await rm(runDir, { recursive: true, force: true });
    await mkdir(runDir, { recursive: true });
    await urlCsv(dataset, server, urls.csvPath);
    const results: HttpBackendResult[] = [];
    for (const backend of backends) {
      const entry: HttpBackendResult = { backend, localSeconds: [], httpSeconds: [], localCpuSeconds: [], httpCpuSeconds: [], ratio: 0, ratioRuns: [], bytesServed: [], requests: [], wrongFrames: 0, expectedFrames: 0 };
      for (let run = 0; run < runs; run++) {
        const timeRun = async (over: 'local' | 'http') => {
          const outDir = path.join(runDir, `${backend}-${over}`);
          await rm(outDir, { recursive: true, force: true });
          await server.served();
          const done = await timed(() => runEngine(over === 'http' ? urls.csvPath : dataset.csvPath, outDir, settings, backend, fnArgs));
          (over === 'http' ? entry.httpSeconds : entry.localSeconds).push(done.seconds);
          (over === 'http' ? entry.httpCpuSeconds : entry.localCpuSeconds).push(done.cpuSeconds);
          log(`run ${run + 1}: keyframes ${over === 'http' ? 'over HTTP' : 'from disk'}, ${backend}: ${done.seconds.toFixed(2)} s, ${done.cpuSeconds.toFixed(2)} CPU s`);
          return done.value;
        };
        // Which goes first alternates, so neither always meets a cold page cache.
        if (run % 2) await timeRun('local');
        const overHttp = await timeRun('http');
        const served = await server.served();
        entry.bytesServed.push(served.bytes);
        entry.requests.push(served.requests);
        if (run % 2 === 0) await timeRun('local');
        if (run === 0) {
          const check = await checkFrames(dataset, framesOf(overHttp), settings.numFrames, settings.size);
          entry.wrongFrames = check.wrong + check.missing;
          entry.expectedFrames = check.expected;
        }
      }
      entry.ratioRuns = entry.httpSeconds.map((seconds, run) => seconds / entry.localSeconds[run]);
      entry.ratio = median(entry.ratioRuns);
      results.push(entry);
    }
    return { videos: dataset.videos.length, fileBytes, numFrames: settings.numFrames, runs, backends: results };
  } finally {
    await server.stop();
  }
}

export function formatHttp(result: HttpResult): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const lines = [`Keyframes (${result.numFrames}) over HTTP (local Range server) against the same files from disk: ${result.videos} videos, ${mb(result.fileBytes)}, median of ${result.runs}`];
  for (const entry of result.backends) {
    const served = median(entry.bytesServed);
    const share = served / result.fileBytes;
    const reading = share < RANGE_READ_SHARE ? 'range reads: far fewer bytes than the files hold' : 'about the whole files read, or more';
    lines.push(
      `  ${entry.backend}: disk ${median(entry.localSeconds).toFixed(2)} s, HTTP ${median(entry.httpSeconds).toFixed(2)} s = ${entry.ratio.toFixed(2)}x`
      + `${entry.ratioRuns.length > 1 ? ` (runs ${Math.min(...entry.ratioRuns).toFixed(2)}-${Math.max(...entry.ratioRuns).toFixed(2)}x)` : ''};`
      + ` CPU ${median(entry.localCpuSeconds).toFixed(1)} / ${median(entry.httpCpuSeconds).toFixed(1)} s;`
      + ` served ${mb(served)} in ${median(entry.requests)} requests = ${share.toFixed(2)}x the files (${reading}); wrong frames over HTTP ${entry.wrongFrames}/${entry.expectedFrames}`,
    );
  }
  return lines.join('\n');
}
