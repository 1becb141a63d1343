/**
 * Many short clips (4–10 s at 240p), where a video's fixed costs (opening it, its packet index,
 * worker round trips, JPEG writes, the journal) weigh more than decoding. Made by the ffmpeg program
 * (Debian's) rather than in process: a few hundred files, two at a time, each stamped with its frame
 * indices by drawbox filters laid out as samples/frameStamp.ts reads them.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { STAMP_BITS, stampLayout } from '../samples/frameStamp';
import { ensureVideoSet, GOP_LENGTHS, type BenchDataset, type PlannedVideo } from './benchDataset';
import { runProgram } from './processRunner';

const WIDTH = 426;
const HEIGHT = 240;
const FPS = 25;
const B_FRAMES = 2;
const SECONDS = [4, 5, 6, 7, 8, 9, 10];

type ClipSpec = PlannedVideo & { frameCount: number };

/** `count` clips, lengths cycling over 4..10 s, GOP lengths alternating. */
function clipSpecs(dir: string, count: number): ClipSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const seconds = SECONDS[i % SECONDS.length];
    const gop = GOP_LENGTHS[i % GOP_LENGTHS.length];
    const id = `c${String(i).padStart(3, '0')}_${seconds}s_gop${gop}`;
    return { id, path: path.join(dir, `${id}.mp4`), width: WIDTH, height: HEIGHT, gop, frameCount: seconds * FPS };
  });
}

/**
 * testsrc2 with the frame stamp drawn over it: a black band, the guard block white, each bit's block
 * white on the frames whose index `n` has that bit set, the parity block white on odd bit counts.
 */
export function stampedSourceGraph(width: number, height: number, fps: number): string {
  const { bandHeight, blocks } = stampLayout(width, height);
  const box = (block: number, enable?: string) => {
    const { x0, x1 } = blocks[block];
    return `drawbox=x=${x0}:y=0:w=${x1 - x0}:h=${bandHeight}:color=white:t=fill${enable ? `:enable='${enable}'` : ''}`;
  };
  const bits = Array.from({ length: STAMP_BITS }, (_, bit) => `mod(floor(n/${2 ** (STAMP_BITS - 1 - bit)}),2)`);
  return [
    `testsrc2=size=${width}x${height}:rate=${fps}`,
    'format=yuv420p',
    `drawbox=x=0:y=0:w=${width}:h=${bandHeight}:color=black:t=fill`,
    box(0),
    ...bits.map((expression, bit) => box(bit + 1, expression)),
    box(STAMP_BITS + 1, `mod(${bits.join('+')},2)`),
  ].join(',');
}

/** The x264 settings of the main dataset: keyframes exactly every `gop` frames, fixed runs of B-frames. */
export function x264Args(gop: number): string[] {
  return [
    '-c:v', 'libx264', '-preset', 'superfast', '-threads', '1', '-pix_fmt', 'yuv420p',
    '-x264-params', `scenecut=0:bframes=${B_FRAMES}:b-adapt=0:keyint=${gop}:min-keyint=${gop}`,
  ];
}

async function makeClip(ffmpeg: string, spec: ClipSpec): Promise<{ frameCount: number; timestamps: number[] }> {
  await runProgram(ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', stampedSourceGraph(spec.width, spec.height, FPS),
    '-frames:v', String(spec.frameCount), ...x264Args(spec.gop), `file:${spec.path}`,
  ]);
  return { frameCount: spec.frameCount, timestamps: Array.from({ length: spec.frameCount }, (_, i) => i / FPS) };
}

/** The short clips in `<root>/short-<count>/`, made once per set of specs and ffmpeg version. */
export async function ensureShortClips(root: string, count: number, ffmpeg: string, ffprobe: string, log: (line: string) => void): Promise<BenchDataset> {
  const dir = path.join(root, `short-${count}`);
  const specs = clipSpecs(dir, count);
  const version = (await runProgram(ffmpeg, ['-version'])).split('\n')[0];
  const key = createHash('sha256')
    .update(JSON.stringify({ specs, version, graph: stampedSourceGraph(WIDTH, HEIGHT, FPS), encode: specs.map((spec) => x264Args(spec.gop)) }))
    .digest('hex');
  return ensureVideoSet(dir, { specs, key, make: (spec) => makeClip(ffmpeg, spec), concurrency: 2 }, ffprobe, log);
}
