import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { INTERPOLATIONS, scalerFlag, type Interpolation } from '../../kernel/src/video/interpolation';
import { pixelDifference } from '../../kernel/src/verify/frameComparison';
import { parseProcessArguments, processFnOf, type ProcessCommand } from '../../kernel/src/cli/cliArguments';
import { parseSubmitArguments } from '../../kernel/src/cli/queueCommands';
import { debianFfmpeg } from './oddFiles';

const FRAME = 5;
const WIDTH = 90;
const HEIGHT = 50;

function optionsFor(backend: BackendChoice): SourceOptions {
  return { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 };
}

/** The frame as the engine gives it on `backend`, resized to WIDTH x HEIGHT with `interpolation`. */
async function engineFrame(file: string, backend: BackendChoice, interpolation: Interpolation): Promise<{ rgb: Uint8Array; jpeg: Uint8Array }> {
  const source = await openVideoSource(file, optionsFor(backend));
  try {
    const [frame] = await source.frames([FRAME], { resize: { width: WIDTH, height: HEIGHT, fit: 'stretch' }, interpolation, jpegBytes: true });
    return { rgb: frame!.data!, jpeg: frame!.jpeg! };
  } finally {
    await source.close();
  }
}

/** Debian's ffmpeg's own `scale=W:H:flags=…` of the same frame. */
async function ffmpegFrame(file: string, interpolation: Interpolation): Promise<Uint8Array> {
  const scale = `select=eq(n\\,${FRAME}),scale=${WIDTH}:${HEIGHT}:flags=${scalerFlag(interpolation)}`;
  return new Uint8Array(await debianFfmpeg(['-i', `file:${file}`, '-vf', scale, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']));
}

describe('named interpolation', function () {
  let dir: string;
  let clip: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-interpolation-'));
    clip = path.join(dir, 'bars.mp4');
    // Fine detail (testsrc2's text and gradients) at a size that each filter resamples differently.
    await debianFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-frames:v', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const interpolation of INTERPOLATIONS) {
    it(`${interpolation}: both backends give ffmpeg's own scale=W:H:flags=${scalerFlag(interpolation)}`, async () => {
      const reference = await ffmpegFrame(clip, interpolation);
      for (const backend of ['libav', 'ffmpeg'] as const) {
        const { rgb } = await engineFrame(clip, backend, interpolation);
        const difference = pixelDifference(rgb, reference);
        assert.equal(difference.max, 0, `${backend}: max ${difference.max}, mean ${difference.mean.toFixed(3)}`);
      }
    });
  }

  it('changes the pixels and the JPEGs: nearest is not bicubic', async () => {
    const bicubic = await engineFrame(clip, 'libav', 'bicubic');
    const nearest = await engineFrame(clip, 'libav', 'nearest');
    assert.ok(pixelDifference(bicubic.rgb, nearest.rgb).mean > 1, 'RGB resampled differently');
    assert.ok(!Buffer.from(bicubic.jpeg).equals(Buffer.from(nearest.jpeg)), 'JPEG resampled differently');
  });

  it('is refused by name when unknown, and reaches the built-ins from the command line', async () => {
    const source = await openVideoSource(clip, optionsFor('libav'));
    try {
      await assert.rejects(source.frames([0], { size: 64, interpolation: 'cubic' as Interpolation }), /interpolation must be one of bicubic, bilinear, area, lanczos, nearest, got "cubic"/);
    } finally {
      await source.close();
    }
    const command = parseProcessArguments(['videos.csv', '--video-col', 'path', '--size', '64', '--interpolation', 'area']) as ProcessCommand;
    assert.equal(command.interpolation, 'area');
    const task = processFnOf(command).builtinTask;
    assert.ok(task.name === 'keyframes' && task.options.interpolation === 'area', JSON.stringify(task));
    assert.throws(() => parseProcessArguments(['videos.csv', '--video-col', 'path', '--interpolation', 'cubic']), /interpolation/);
  });

  it('reaches a queue job too: submit takes the flags that shape the frames', () => {
    const shape = ['--width', '64', '--height', '48', '--fit', 'cover', '--interpolation', 'lanczos', '--no-autorotate'];
    const submit = parseSubmitArguments(['videos.csv', '--video-col', 'path', '--redis', 'redis://127.0.0.1:6379', '--out', 'out', ...shape]);
    assert.ok(submit !== 'help');
    assert.equal(submit.job.autorotate, false);
    const task = processFnOf(submit.job).builtinTask;
    assert.ok(task.name === 'keyframes' && task.options.interpolation === 'lanczos' && task.options.resize?.fit === 'cover', JSON.stringify(task));
  });
});
