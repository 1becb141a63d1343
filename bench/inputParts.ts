/**
 * The benchmark parts about what the engine reads and how it picks frames: fps sampling and scenes
 * against the PyAV script's modes, and keyframes over HTTP against the same files from disk.
 */
import * as path from 'node:path';
import { ensureDataset } from './benchDataset';
import type { EngineBackend, RunSettings } from './engineRuns';
import { formatHttp, runHttpBenchmark, type HttpResult } from './httpBenchmark';
import { formatSampler, runSamplerBenchmark, type SamplerResult } from './samplerBenchmark';
import { fpsPart, scenesPart } from './samplerParts';
import { ensureSceneClips } from './sceneClips';

export interface InputPartsContext {
  /** The benchmark's data folder: datasets and run outputs. */
  data: string;
  quick: boolean;
  runs: number;
  ffmpeg: string;
  ffprobe: string;
  settings: RunSettings & { numFrames: number };
  log: (line: string) => void;
}

export interface InputPartResults {
  fps?: SamplerResult;
  scenes?: SamplerResult;
  http?: HttpResult;
}

/** One frame a second: the rate that sampled datasets of long videos commonly use. */
const FPS_RATE = 1;
const BACKENDS: readonly EngineBackend[] = ['libav', 'ffmpeg'];

/** Runs those of fps, scenes and http that `parts` names, adding each one's figures to `report`. */
export async function runInputParts(parts: readonly string[], context: InputPartsContext, report: string[]): Promise<InputPartResults> {
  const { data, quick, runs, settings, log } = context;
  const results: InputPartResults = {};
  if (parts.includes('fps') || parts.includes('http')) {
    const dataset = await ensureDataset(data, quick, context.ffprobe, log);
    if (parts.includes('fps')) {
      results.fps = await runSamplerBenchmark(fpsPart(dataset, FPS_RATE, settings.size), BACKENDS, path.join(data, 'runs-fps'), settings, runs, log);
      report.push(formatSampler(results.fps));
    }
    if (parts.includes('http')) {
      results.http = await runHttpBenchmark(dataset, BACKENDS, path.join(data, 'runs-http'), settings, runs, log);
      report.push(formatHttp(results.http));
    }
  }
  if (parts.includes('scenes')) {
    const clips = await ensureSceneClips(data, quick, context.ffmpeg, context.ffprobe, log);
    results.scenes = await runSamplerBenchmark(scenesPart(clips, settings.size), BACKENDS, path.join(data, 'runs-scenes'), settings, runs, log);
    report.push(formatSampler(results.scenes));
  }
  return results;
}
