import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractKeyframes } from '../../kernel/src/builtins/extractKeyframes';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { OpenedVideoSource, SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { findOnPath } from '../../kernel/src/pathLookup';
import { VideoLoader } from '../../kernel/src/video/videoLoader';
import type { ResizeFit } from '../../kernel/src/video/resizeGeometry';
import type { VideoFrame } from '../../kernel/src/video/videoTypes';

const BACKENDS: Record<BackendChoice, (file: string, options: SourceOptions) => Promise<OpenedVideoSource>> = {
  libav: (file, options) => openLibavSource(file, options, 'cpu'),
  ffmpeg: (file, options) => openFfmpegSource(file, options, 'cpu'),
};
const optionsFor = (backend: BackendChoice): SourceOptions => ({ settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 });
const BOX = { width: 160, height: 160 };

type Colour = 'red' | 'green' | 'blue' | 'black' | 'other';
function colourAt(rgb: Uint8Array, width: number, x: number, y: number): Colour {
  const at = (y * width + x) * 3;
  const [r, g, b] = [rgb[at], rgb[at + 1], rgb[at + 2]];
  if (r < 40 && g < 40 && b < 40) return 'black';
  if (r > 150 && g < 90 && b < 90) return 'red';
  if (g > 90 && r < 90 && b < 90) return 'green';
  if (b > 150 && r < 90 && g < 90) return 'blue';
  return 'other';
}

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** JPEG bytes as RGB, decoded by the ffmpeg program rather than the engine's own libraries. */
const jpegRgb = (bytes: Uint8Array) => new Uint8Array(execFileSync(findOnPath('ffmpeg')!, ['-v', 'error', '-f', 'jpeg_pipe', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: bytes }));

/** What each fit must show of the 320x160 pattern (red band x < 64, blue band x >= 256, green between) in a 160x160 box. */
const EXPECTED: Record<ResizeFit, Array<[number, number, Colour]>> = {
  // Scaled to 320x160, the window x 80..239 kept: only the green centre.
  cover: [[2, 80, 'green'], [157, 80, 'green'], [80, 2, 'green'], [80, 157, 'green']],
  // Scaled to 160x80 at y 40..119: black bars of 40 rows above and below, the whole pattern between.
  contain: [[80, 2, 'black'], [80, 37, 'black'], [80, 122, 'black'], [80, 157, 'black'], [2, 80, 'red'], [157, 80, 'blue'], [80, 80, 'green'], [80, 43, 'green'], [80, 116, 'green']],
  // Scaled to 160x160: the whole pattern, squeezed, no bars.
  stretch: [[2, 2, 'red'], [2, 157, 'red'], [157, 80, 'blue'], [80, 80, 'green'], [80, 2, 'green']],
};

describe('resize fits on both backends', function () {
  let dir: string;
  let video: string;
  const frames = new Map<string, VideoFrame>();

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-resize-'));
    video = path.join(dir, 'bands.mp4');
    execFileSync(findOnPath('ffmpeg')!, [
      '-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x00A000:s=320x160:r=25:d=1',
      '-vf', 'drawbox=x=0:y=0:w=64:h=160:color=0xE00000:t=fill,drawbox=x=256:y=0:w=64:h=160:color=0x0000E0:t=fill',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '10', video,
    ]);
    for (const backend of ['libav', 'ffmpeg'] as const) {
      const source = await BACKENDS[backend](video, optionsFor(backend));
      try {
        for (const fit of ['stretch', 'cover', 'contain'] as const) {
          const [frame] = await source.frames([12], { resize: { ...BOX, fit }, jpegBytes: true });
          frames.set(`${backend}:${fit}`, frame);
        }
      } finally {
        await source.close();
      }
    }
  });

  after(() => rm(dir, { recursive: true, force: true }));

  for (const backend of ['libav', 'ffmpeg'] as const) {
    for (const fit of ['stretch', 'cover', 'contain'] as const) {
      it(`${backend} ${fit}: exactly 160x160, pixels and JPEG show what the fit keeps`, () => {
        const frame = frames.get(`${backend}:${fit}`)!;
        assert.deepEqual([frame.width, frame.height, frame.data!.length], [160, 160, 160 * 160 * 3]);
        const decoded = jpegRgb(frame.jpeg!);
        assert.equal(decoded.length, 160 * 160 * 3, 'the JPEG is 160x160');
        for (const [x, y, colour] of EXPECTED[fit]) {
          assert.equal(colourAt(frame.data!, 160, x, y), colour, `pixels at ${x},${y}`);
          assert.equal(colourAt(decoded, 160, x, y), colour, `JPEG at ${x},${y}`);
        }
      });
    }
  }

  for (const fit of ['stretch', 'cover', 'contain'] as const) {
    it(`${fit}: the libav and ffmpeg backends agree`, () => {
      const [libav, ffmpeg] = [frames.get(`libav:${fit}`)!, frames.get(`ffmpeg:${fit}`)!];
      assert.ok(meanDifference(libav.data!, ffmpeg.data!) < 3, `pixels differ by ${meanDifference(libav.data!, ffmpeg.data!)}`);
      const jpegs = meanDifference(jpegRgb(libav.jpeg!), jpegRgb(ffmpeg.jpeg!));
      assert.ok(jpegs < 4, `JPEGs differ by ${jpegs}`);
    });
  }

  it('a size and a resize together are refused; the keyframe record carries each frame\'s size', async () => {
    for (const backend of ['libav', 'ffmpeg'] as const) {
      const source = await BACKENDS[backend](video, optionsFor(backend));
      try {
        await assert.rejects(source.frames([0], { size: 64, resize: { ...BOX, fit: 'cover' } }), /takes size .* or resize .*, not both/);
      } finally {
        await source.close();
      }
      const loader = new VideoLoader({ videoId: 'bands', videoPath: video }, () => BACKENDS[backend](video, optionsFor(backend)));
      const { record } = await extractKeyframes(loader, { numFrames: 3, resize: { width: 96, height: 64, fit: 'contain' }, jpegOutput: 'bytes' });
      assert.deepEqual(record.frames.map((frame) => [frame.width, frame.height]), [[96, 64], [96, 64], [96, 64]]);
      assert.deepEqual([record.width, record.height], [96, 64]);
    }
  });
});
