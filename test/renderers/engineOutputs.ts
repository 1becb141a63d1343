import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchVideoProcessor, builtins, type ProcessingRecord, type ProgressSnapshot } from '../../kernel/src/index';
import type { DecodeDevice } from '../../kernel/src/video/videoTypes';
import type { RunDevice } from '../../kernel/src/device/runDevice';
import { generateVideo } from '../../samples/videoGenerator';

/** A file name that would run script if it were ever parsed as HTML. */
export const HOSTILE_VIDEO_NAME = '<img src=x onerror=alert(1)>.mp4';
export const HOSTILE_BROKEN_NAME = '<img src=y onerror=alert(2)>.mp4';
export const HOSTILE_ID = '<b>hostile</b>';
/** A machine name that would run script if it were parsed as HTML: machines name themselves. */
export const HOSTILE_HOST = '<img src=x onerror=alert(1)>';

/** Everything a real run on a small dataset says: its events and its results. */
export interface EngineRun {
  dir: string;
  snapshots: ProgressSnapshot[];
  /** Paths by id, as videoStarted events named them. */
  videoPaths: Map<string, string>;
  devices: DecodeDevice[];
  /** The run's device decision (one per run). */
  runDevices: RunDevice[];
  records: ProcessingRecord[];
  errors: { id: string; video_path: string; error: string }[];
  cleanup(): Promise<void>;
}

/** Runs the engine with the keyframes built-in over real videos, a broken file and a missing one. */
export async function runEngine(): Promise<EngineRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-renderers-'));
  await mkdir(path.join(dir, 'videos'));
  const rows = ['video_id,video_path'];
  const videos = [...['clip0', 'clip1', 'clip2'].map((id) => ({ id, file: `${id}.mp4` })), { id: HOSTILE_ID, file: HOSTILE_VIDEO_NAME }];
  for (const { id, file } of videos) {
    await generateVideo({ path: path.join(dir, 'videos', file), codec: 'h264', width: 160, height: 120, fps: 25, frameCount: 30, gop: 12 });
    rows.push(`${id},videos/${file}`);
  }
  await writeFile(path.join(dir, 'videos', HOSTILE_BROKEN_NAME), 'this is not a video\n');
  rows.push(`broken,videos/${HOSTILE_BROKEN_NAME}`, 'missing,videos/missing.mp4');
  const csvPath = path.join(dir, 'videos.csv');
  await writeFile(csvPath, `${rows.join('\n')}\n`);

  const processor = new BatchVideoProcessor({ numWorkers: 2, checkpointPath: path.join(dir, 'run.vbk-checkpoint') });
  const run: Omit<EngineRun, 'records' | 'errors'> = { dir, snapshots: [], videoPaths: new Map(), devices: [], runDevices: [], cleanup: () => rm(dir, { recursive: true, force: true }) };
  processor.on('progress', (snapshot) => run.snapshots.push(structuredClone(snapshot)));
  processor.on('videoStarted', ({ id, videoPath }) => run.videoPaths.set(id, videoPath));
  processor.on('videoFinished', ({ device }) => device && run.devices.push(device));
  processor.on('device', (choice) => run.runDevices.push(choice));
  const results = await processor.processDataset({
    csvPath,
    videoCol: 'video_path',
    idCol: 'video_id',
    processFn: builtins.keyframes({ numFrames: 4, size: 64 }),
    outputDir: path.join(dir, 'out'),
  });
  return { ...run, records: results.records.toArray(), errors: results.stats.errors };
}
