import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { generateVideo, type GeneratedVideoSpec } from '../samples/videoGenerator';

export interface BenchVideo {
  id: string;
  path: string;
  frameCount: number;
  /** Seconds of each frame from the first, in presentation order. */
  timestamps: number[];
  width: number;
  height: number;
}

export interface BenchDataset {
  csvPath: string;
  videos: BenchVideo[];
}

const SIZES: [number, number][] = [[640, 360], [960, 540], [1280, 720]];
const FPS = 25;

/** 20 videos of 10–30 s at 360p–720p, GOPs of 250 and 30, B-frames; `quick`: 6 short ones. */
function datasetSpecs(dir: string, quick: boolean): (GeneratedVideoSpec & { id: string })[] {
  const count = quick ? 6 : 20;
  return Array.from({ length: count }, (_, i) => {
    const [width, height] = quick ? SIZES[0] : SIZES[i % SIZES.length];
    const seconds = quick ? 6 : 10 + ((i * 7) % 21);
    const gop = i % 2 ? 30 : 250;
    const id = `v${String(i).padStart(2, '0')}_${height}p_gop${gop}`;
    return { id, path: path.join(dir, `${id}.mp4`), codec: 'h264', width, height, fps: FPS, frameCount: seconds * FPS, gop, bFrames: 2 };
  });
}

/** Generates the dataset once; later runs reuse it (its manifest names what was generated). */
export async function ensureDataset(root: string, quick: boolean, log: (line: string) => void): Promise<BenchDataset> {
  const dir = path.join(root, quick ? 'quick' : 'full');
  const manifestPath = path.join(dir, 'dataset.json');
  const csvPath = path.join(dir, 'videos.csv');
  if (existsSync(manifestPath) && existsSync(csvPath)) {
    return { csvPath, videos: JSON.parse(readFileSync(manifestPath, 'utf8')) as BenchVideo[] };
  }
  await mkdir(dir, { recursive: true });
  const videos: BenchVideo[] = [];
  for (const spec of datasetSpecs(dir, quick)) {
    const started = performance.now();
    const info = await generateVideo(spec);
    videos.push({ id: spec.id, path: spec.path, frameCount: info.frameCount, timestamps: info.timestamps, width: spec.width, height: spec.height });
    log(`generated ${spec.id} (${info.frameCount} frames) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await writeFile(csvPath, ['video_id,video_path', ...videos.map((video) => `${video.id},${path.basename(video.path)}`)].join('\n') + '\n');
  await writeFile(manifestPath, JSON.stringify(videos));
  return { csvPath, videos };
}
