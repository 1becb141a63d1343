/**
 * Videos with real cuts, for the scenes benchmark: each is several lavfi sources of unlike content
 * (moving patterns, a zooming fractal, cellular life, bars, gradients) cut together by the concat
 * filter of Debian's ffmpeg, so where its shots start is known before anything measures it.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { ensureVideoSet, GOP_LENGTHS, type BenchDataset, type PlannedVideo } from './benchDataset';
import { runProgram } from './processRunner';
import { x264Args } from './shortClips';

const FPS = 25;
/** Neighbours in this order differ by a mean luma of 0.2 and more at 64 px: each join is a hard cut. */
const SOURCES = [
  'testsrc2',
  'mandelbrot',
  'life=mold=10:ratio=0.3:life_color=#ffd000:death_color=#003060',
  'smptehdbars',
  'gradients=speed=0.05',
  'testsrc',
  'rgbtestsrc',
];
/** Shot lengths in frames (1.8 to 5.2 s), cycled against the sources so no two videos cut alike. */
const SHOT_FRAMES = [60, 110, 45, 90, 130, 75, 100];
const SHOTS_PER_VIDEO = 6;
const SIZES: [number, number][] = [[640, 360], [1280, 720]];

type SceneSpec = PlannedVideo & { shots: { source: string; frames: number }[] };

export interface SceneClips {
  dataset: BenchDataset;
  /** Per video id: the frames that start a shot after the first, where the sources were joined. */
  cuts: Map<string, number[]>;
}

function sceneSpecs(dir: string, quick: boolean): SceneSpec[] {
  return Array.from({ length: quick ? 3 : 6 }, (_, i) => {
    const [width, height] = quick ? SIZES[0] : SIZES[i % SIZES.length];
    const gop = GOP_LENGTHS[i % GOP_LENGTHS.length];
    const shots = Array.from({ length: SHOTS_PER_VIDEO }, (_, shot) => ({
      source: SOURCES[(i + shot) % SOURCES.length],
      frames: SHOT_FRAMES[(2 * i + shot) % SHOT_FRAMES.length],
    }));
    const id = `s${i}_${height}p_gop${gop}`;
    return { id, path: path.join(dir, `${id}.mp4`), width, height, gop, shots };
  });
}

/** The sources, each cut to its length, joined: one graph whose output is `[out]`. */
function concatGraph(spec: SceneSpec): string {
  const parts = spec.shots.map(({ source, frames }, shot) => {
    const [name, options] = source.split(/=(.*)/);
    const settings = [`size=${spec.width}x${spec.height}`, `rate=${FPS}`, ...(options ? [options] : [])].join(':');
    return `${name}=${settings},format=yuv420p,trim=end_frame=${frames},setpts=PTS-STARTPTS[shot${shot}]`;
  });
  const inputs = spec.shots.map((_, shot) => `[shot${shot}]`).join('');
  return `${parts.join(';')};${inputs}concat=n=${spec.shots.length}:v=1:a=0[out]`;
}

function cutsOf(spec: SceneSpec): number[] {
  return spec.shots.slice(0, -1).reduce<number[]>((cuts, shot) => [...cuts, (cuts.at(-1) ?? 0) + shot.frames], []);
}

async function makeSceneClip(ffmpeg: string, spec: SceneSpec): Promise<{ frameCount: number; timestamps: number[] }> {
  await runProgram(ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-filter_complex', concatGraph(spec), '-map', '[out]', ...x264Args(spec.gop), `file:${spec.path}`,
  ]);
  const frameCount = spec.shots.reduce((sum, shot) => sum + shot.frames, 0);
  return { frameCount, timestamps: Array.from({ length: frameCount }, (_, i) => i / FPS) };
}

/** The scene clips in `<root>/scenes-quick/` or `<root>/scenes/`, made once per set of specs and ffmpeg version. */
export async function ensureSceneClips(root: string, quick: boolean, ffmpeg: string, ffprobe: string, log: (line: string) => void): Promise<SceneClips> {
  const dir = path.join(root, quick ? 'scenes-quick' : 'scenes');
  const specs = sceneSpecs(dir, quick);
  const version = (await runProgram(ffmpeg, ['-version'])).split('\n')[0];
  const key = createHash('sha256').update(JSON.stringify({ version, graphs: specs.map(concatGraph), encode: specs.map((spec) => x264Args(spec.gop)) })).digest('hex');
  const dataset = await ensureVideoSet(dir, { specs, key, make: (spec) => makeSceneClip(ffmpeg, spec), concurrency: 2 }, ffprobe, log);
  return { dataset, cuts: new Map(specs.map((spec) => [spec.id, cutsOf(spec)])) };
}
