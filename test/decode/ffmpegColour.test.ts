import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { avGetPixFmtName, type Frame } from 'node-av/lib';
import { AV_PIX_FMT_NV12, AV_PIX_FMT_P010LE, AV_PIX_FMT_RGB24, AV_PIX_FMT_YUV420P10LE, type AVPixelFormat } from 'node-av/constants';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { FrameConverter } from '../../kernel/src/decode/libav/frameConverter';
import { decodeFrontToBack } from '../../kernel/src/decode/libav/frontToBackDecode';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { outputSize } from '../../kernel/src/video/outputSize';
import { pixelDifference } from '../../kernel/src/verify/frameComparison';
import { debianFfmpeg } from './oddFiles';

/** A clip whose colour coding the conversion must read from its frames. */
interface ColourClip {
  label: string;
  name: string;
  width: number;
  height: number;
  /** Debian ffmpeg's arguments after the lavfi input: encoder, pixel format and colour tags. */
  encoding: string[];
}

const FRAMES = 3;
const SCALED_SIZE = 96;
const BT601 = ['-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m'];
const BT709 = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709'];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];

const CLIPS: ColourClip[] = [
  { label: 'BT.601 limited range', name: 'bt601.mp4', width: 320, height: 180, encoding: [...X264, '-pix_fmt', 'yuv420p', ...BT601, '-color_range', 'tv'] },
  { label: 'untagged (read as BT.601 limited)', name: 'untagged.mp4', width: 320, height: 180, encoding: [...X264, '-pix_fmt', 'yuv420p'] },
  { label: 'BT.709 limited range', name: 'bt709.mp4', width: 320, height: 180, encoding: [...X264, '-pix_fmt', 'yuv420p', ...BT709, '-color_range', 'tv'] },
  { label: 'BT.709 full range as yuvj420p', name: 'full-yuvj.mp4', width: 320, height: 180, encoding: [...X264, '-pix_fmt', 'yuvj420p', ...BT709, '-color_range', 'pc'] },
  {
    label: 'BT.709 full range flagged on yuv420p (VP9)', name: 'full-flagged.webm', width: 320, height: 180,
    encoding: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-pix_fmt', 'yuv420p', ...BT709, '-color_range', 'pc'],
  },
  { label: 'BT.709 10-bit', name: 'bt709-10bit.mp4', width: 320, height: 180, encoding: [...X264, '-pix_fmt', 'yuv420p10le', ...BT709] },
  { label: 'BT.709 4:4:4 at an odd width', name: 'bt709-444.mp4', width: 210, height: 118, encoding: [...X264, '-pix_fmt', 'yuv444p', ...BT709] },
];

function optionsFor(backend: BackendChoice): SourceOptions {
  return { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 };
}

/** Debian's ffmpeg's own RGB24 of the first frames, as `-pix_fmt rgb24` (and `-vf scale`, when a size is given) make them. */
async function debianRgb(file: string, size?: { width: number; height: number }): Promise<Uint8Array[]> {
  const scale = size ? ['-vf', `scale=${size.width}:${size.height}:flags=bicubic`] : [];
  const raw = await debianFfmpeg(['-i', `file:${file}`, ...scale, '-frames:v', String(FRAMES), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  const frameBytes = raw.length / FRAMES;
  return Array.from({ length: FRAMES }, (_, at) => new Uint8Array(raw.subarray(at * frameBytes, (at + 1) * frameBytes)));
}

/** RGB24 of JPEG bytes as Debian's ffmpeg decodes them (a JPEG read as full-range BT.601). */
async function jpegRgb(bytes: Uint8Array, dir: string, name: string): Promise<Uint8Array> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return new Uint8Array(await debianFfmpeg(['-i', `file:${file}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']));
}

function assertSamePixels(engine: readonly (Uint8Array | undefined)[], reference: readonly Uint8Array[], what: string): void {
  assert.equal(engine.length, reference.length, `${what}: frame count`);
  engine.forEach((pixels, at) => {
    assert.ok(pixels, `${what}, frame ${at}: no pixels`);
    const difference = pixelDifference(pixels, reference[at]!);
    assert.deepEqual(difference, { mean: 0, max: 0 }, `${what}, frame ${at}: differs from ffmpeg's by up to ${difference.max} (mean ${difference.mean.toFixed(3)})`);
  });
}

describe('Colour as FFmpeg converts it', function () {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-colour-'));
    for (const clip of CLIPS) {
      const source = `testsrc2=size=${clip.width}x${clip.height}:rate=25`;
      await debianFfmpeg(['-f', 'lavfi', '-i', source, '-frames:v', String(FRAMES), ...clip.encoding, `file:${path.join(dir, clip.name)}`]);
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const clip of CLIPS) {
    for (const backend of ['libav', 'ffmpeg'] as BackendChoice[]) {
      it(`${backend}: ${clip.label}: frames equal ffmpeg -pix_fmt rgb24 at the video's size, and -vf scale when resized`, async () => {
        const file = path.join(dir, clip.name);
        const scaled = outputSize(clip.width, clip.height, SCALED_SIZE);
        const indices = Array.from({ length: FRAMES }, (_, at) => at);
        const source = await openVideoSource(file, optionsFor(backend));
        try {
          const native = await source.frames(indices);
          assertSamePixels(native.map((frame) => frame.data), await debianRgb(file), `${clip.name} at ${clip.width}x${clip.height}`);
          const resized = await source.frames(indices, { size: SCALED_SIZE });
          assertSamePixels(resized.map((frame) => frame.data), await debianRgb(file, scaled), `${clip.name} at ${scaled.width}x${scaled.height}`);
        } finally {
          await source.close();
        }
      });
    }
  }

  for (const backend of ['libav', 'ffmpeg'] as BackendChoice[]) {
    it(`${backend}: the RGB frames stay ffmpeg's when JPEGs are made from the same pictures`, async () => {
      const file = path.join(dir, 'bt709.mp4');
      const indices = Array.from({ length: FRAMES }, (_, at) => at);
      const source = await openVideoSource(file, optionsFor(backend));
      try {
        const frames = await source.frames(indices, { size: SCALED_SIZE, jpegBytes: true });
        assert.ok(frames.every((frame) => frame.jpeg && frame.jpeg.length > 0), 'a JPEG for every frame');
        assertSamePixels(frames.map((frame) => frame.data), await debianRgb(file, outputSize(320, 180, SCALED_SIZE)), 'bt709.mp4 with JPEGs');
      } finally {
        await source.close();
      }
    });

    it(`${backend}: JPEGs of BT.709 and full-range video are coded full-range BT.601, as a JPEG is read`, async () => {
      for (const name of ['bt709.mp4', 'full-yuvj.mp4', 'full-flagged.webm']) {
        const file = path.join(dir, name);
        const [truth] = await debianRgb(file);
        const source = await openVideoSource(file, optionsFor(backend));
        try {
          const [frame] = await source.frames([0], { pixels: false, jpegBytes: true, jpegQuality: 95 });
          const difference = pixelDifference(await jpegRgb(frame!.jpeg!, dir, `${backend}-${name}.jpg`), truth!);
          // What JPEG's own loss leaves at quality 95 on this busy test pattern (measured: mean 1.6 to
          // 2.1); a matrix or range coded wrongly shifts every colour (mean 9 to 17).
          assert.ok(difference.mean < 2.5, `${backend} ${name}: JPEG off the RGB frame by a mean of ${difference.mean.toFixed(2)}`);
        } finally {
          await source.close();
        }
      }
    });
  }

  it('frames downloaded from a GPU as NV12 or P010, colour properties kept, convert to the CPU frame\'s pixels', () => {
    const downloads: [string, AVPixelFormat][] = [['bt709.mp4', AV_PIX_FMT_NV12], ['full-flagged.webm', AV_PIX_FMT_NV12], ['bt709-10bit.mp4', AV_PIX_FMT_P010LE]];
    for (const [name, semiPlanar] of downloads) {
      const clip = CLIPS.find((candidate) => candidate.name === name)!;
      for (const size of [{ width: clip.width, height: clip.height }, outputSize(clip.width, clip.height, SCALED_SIZE)]) {
        const toRgb = new FrameConverter(AV_PIX_FMT_RGB24, size.width, size.height);
        const toDownload = new FrameConverter(semiPlanar, clip.width, clip.height);
        try {
          decodeFrontToBack(path.join(dir, name), (picture: Frame) => {
            assert.ok(semiPlanar !== AV_PIX_FMT_P010LE || picture.format === AV_PIX_FMT_YUV420P10LE, 'the 10-bit clip decodes as yuv420p10le');
            const download = toDownload.convertShared(picture);
            download.copyProps(picture);
            const cpu = new Uint8Array(toRgb.convertToBuffer(picture));
            const gpu = new Uint8Array(toRgb.convertToBuffer(download));
            assert.deepEqual(pixelDifference(gpu, cpu), { mean: 0, max: 0 }, `${name} as ${avGetPixFmtName(semiPlanar)} at ${size.width}x${size.height}`);
          });
        } finally {
          toRgb.free();
          toDownload.free();
        }
      }
    }
  });
});
