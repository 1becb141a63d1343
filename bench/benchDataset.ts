import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { generateVideo, type GeneratedVideoSpec } from '../samples/videoGenerator';
import { forEachConcurrently, runProgram } from './processRunner';

export interface BenchVideo {
  id: string;
  path: string;
  frameCount: number;
  /** Seconds of each frame from the first, in presentation order. */
  timestamps: number[];
  width: number;
  height: number;
  gop: number;
  /** B-frames the encoder actually chose (x264 may use fewer than allowed). */
  bFrameCount: number;
}

export interface BenchDataset {
  csvPath: string;
  videos: BenchVideo[];
}

interface Manifest {
  /** Specs and generator code the files came from: when either changes, the files are made again. */
  key: string;
  videos: BenchVideo[];
}

type BenchSpec = GeneratedVideoSpec & { id: string };

const SIZES: [number, number][] = [[640, 360], [960, 540], [1280, 720]];
const FPS = 25;
export const GOP_LENGTHS = [250, 30] as const;

/** 20 videos of 10–30 s at 360p–720p, GOPs of 250 and 30, up to 2 B-frames; `quick`: 6 short ones at 360p. */
function datasetSpecs(dir: string, quick: boolean): BenchSpec[] {
  const count = quick ? 6 : 20;
  return Array.from({ length: count }, (_, i) => {
    const [width, height] = quick ? SIZES[0] : SIZES[i % SIZES.length];
    const seconds = quick ? 4 : 10 + ((i * 7) % 21);
    const gop = GOP_LENGTHS[i % GOP_LENGTHS.length];
    const id = `v${String(i).padStart(2, '0')}_${height}p_gop${gop}`;
    return { id, path: path.join(dir, `${id}.mp4`), codec: 'h264', width, height, fps: FPS, frameCount: seconds * FPS, gop, bFrames: 2 };
  });
}

function datasetKey(specs: BenchSpec[]): string {
  const hash = createHash('sha256').update(JSON.stringify(specs));
  for (const module of ['videoGenerator.js', 'frameStamp.js']) hash.update(readFileSync(path.join(__dirname, '..', 'samples', module)));
  return hash.digest('hex');
}

/** Counted by ffprobe once at generation, so the table says how much B-frame reordering the set really has. */
async function countBFrames(ffprobe: string, file: string): Promise<number> {
  const types = await runProgram(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pict_type', '-of', 'csv=p=0', `file:${file}`]);
  return types.split('\n').filter((line) => line.startsWith('B')).length;
}

/** A video of a set to make: where it goes and what it is, before it exists. */
export type PlannedVideo = Pick<BenchVideo, 'id' | 'path' | 'width' | 'height' | 'gop'>;

/** How a set's videos are made, and what identifies that (its specs and the code or program that makes them). */
export interface VideoSetMaker<S extends PlannedVideo> {
  specs: S[];
  key: string;
  make(spec: S): Promise<Pick<BenchVideo, 'frameCount' | 'timestamps'>>;
  /** Videos made at once. */
  concurrency: number;
}

/** Makes a set of videos in `dir` once, with its CSV; later runs reuse it while its key stays the same. */
export async function ensureVideoSet<S extends PlannedVideo>(dir: string, maker: VideoSetMaker<S>, ffprobe: string, log: (line: string) => void): Promise<BenchDataset> {
  const manifestPath = path.join(dir, 'dataset.json');
  const csvPath = path.join(dir, 'videos.csv');
  if (existsSync(manifestPath) && existsSync(csvPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<Manifest>;
    if (manifest.key === maker.key && manifest.videos) return { csvPath, videos: manifest.videos };
    log(`dataset in ${dir} was made by other specs or another generator: making it again`);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const made = new Map<string, BenchVideo>();
  await forEachConcurrently(maker.specs, maker.concurrency, async (spec) => {
    const started = performance.now();
    const info = await maker.make(spec);
    const bFrameCount = await countBFrames(ffprobe, spec.path);
    made.set(spec.id, { id: spec.id, path: spec.path, frameCount: info.frameCount, timestamps: info.timestamps, width: spec.width, height: spec.height, gop: spec.gop, bFrameCount });
    log(`generated ${spec.id} (${info.frameCount} frames, ${bFrameCount} B) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
  const videos = maker.specs.map((spec) => made.get(spec.id)!);
  await writeFile(csvPath, ['video_id,video_path', ...videos.map((video) => `${video.id},${path.basename(video.path)}`)].join('\n') + '\n');
  const manifest: Manifest = { key: maker.key, videos };
  await writeFile(manifestPath, JSON.stringify(manifest));
  return { csvPath, videos };
}

/** The generated dataset of the main extraction benchmark (made in process, one video at a time). */
export function ensureDataset(root: string, quick: boolean, ffprobe: string, log: (line: string) => void): Promise<BenchDataset> {
  const dir = path.join(root, quick ? 'quick' : 'full');
  const specs = datasetSpecs(dir, quick);
  return ensureVideoSet<BenchSpec>(dir, { specs, key: datasetKey(specs), make: generateVideo, concurrency: 1 }, ffprobe, log);
}

/** The same dataset restricted to some videos, with a CSV of its own for the engine's CLI. */
export async function subset(dataset: BenchDataset, name: string, keep: (video: BenchVideo) => boolean): Promise<BenchDataset> {
  const videos = dataset.videos.filter(keep);
  const csvPath = path.join(path.dirname(dataset.csvPath), `videos-${name}.csv`);
  await writeFile(csvPath, ['video_id,video_path', ...videos.map((video) => `${video.id},${path.basename(video.path)}`)].join('\n') + '\n');
  return { csvPath, videos };
}
