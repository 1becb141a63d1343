import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { probePackets } from '../../kernel/src/decode/ffmpegCli/ffprobeIndex';
import { readPacketSummary } from '../../kernel/src/decode/libav/videoStream';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { OpenedVideoSource, SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { findOnPath } from '../../kernel/src/pathLookup';
import type { FrameRequest, VideoFrame } from '../../kernel/src/video/videoTypes';
import { readFrameStamp } from '../../samples/frameStamp';
import { meanAbsoluteDifference } from '../../samples/referenceDecode';
import { generateVideo } from '../../samples/videoGenerator';

const BACKENDS: Record<BackendChoice, (file: string, options: SourceOptions) => Promise<OpenedVideoSource>> = {
  libav: (file, options) => openLibavSource(file, options, 'cpu'),
  ffmpeg: (file, options) => openFfmpegSource(file, options, 'cpu'),
};
const optionsFor = (backend: BackendChoice, autorotate = true): SourceOptions => ({ settings: { ...new DecoderConfig({ backend, autorotate }).toSettings(), device: 'cpu' }, gpuId: 0 });
/** The ffmpeg backend's tolerance against the in-process decoder (frame accuracy suite). */
const TOLERANCE = 4;
const [WIDTH, HEIGHT, FRAMES] = [144, 96, 10];
const WANTED = [0, 4, 9];
/**
 * The stored picture: green, a red band down the left edge, a blue band along the bottom, the frame
 * stamp across the top; red is sampled at (12, 48), blue at (72, 88).
 */
const SOURCE = `color=c=0x00A000:s=${WIDTH}x${HEIGHT}:r=25,drawbox=x=0:y=0:w=24:h=${HEIGHT}:color=0xE00000:t=fill,drawbox=x=0:y=80:w=${WIDTH}:h=16:color=0x0000E0:t=fill`;
const ONE = 65536;

interface Clip {
  name: string;
  /** ffmpeg's `rotate` tag written by a stream copy, or a display matrix written by the generator. */
  rotateTag?: number;
  displayMatrix?: number[];
  /** What ffprobe prints as the display matrix's rotation. */
  rotation: number;
  /** The displayed size, and where the red and blue sample points land in the upright picture. */
  width: number;
  height: number;
  red: [number, number];
  blue: [number, number];
}

const CLIPS: Clip[] = [
  // The left edge goes to the bottom and the bottom to the right: a quarter turn counter-clockwise.
  { name: 'rotate=90', rotateTag: 90, rotation: 90, width: 96, height: 144, red: [48, 131], blue: [88, 71] },
  { name: 'rotate=180', rotateTag: 180, rotation: -180, width: 144, height: 96, red: [131, 47], blue: [71, 7] },
  // A quarter turn clockwise, as portrait phone videos are stored.
  { name: 'rotate=270', rotateTag: 270, rotation: -90, width: 96, height: 144, red: [47, 12], blue: [7, 72] },
  { name: 'mirrored', displayMatrix: [-ONE, 0, 0, 0, ONE, 0, 0, 0, 2 ** 30], rotation: -180, width: 144, height: 96, red: [131, 48], blue: [71, 88] },
];

type Colour = 'red' | 'blue' | 'green' | 'black' | 'other';
function colourAt(rgb: Uint8Array, width: number, [x, y]: [number, number]): Colour {
  const at = (y * width + x) * 3;
  const [r, g, b] = [rgb[at], rgb[at + 1], rgb[at + 2]];
  if (r < 40 && g < 40 && b < 40) return 'black';
  if (r > 150 && g < 90 && b < 90) return 'red';
  if (b > 150 && r < 90 && g < 90) return 'blue';
  if (g > 90 && r < 90 && b < 90) return 'green';
  return 'other';
}

const ffmpeg = () => findOnPath('ffmpeg')!;
/** Every frame as the ffmpeg program shows it (its own autorotation, unless `inputOptions` turn it off), as RGB24. */
function referenceFrames(file: string, width: number, height: number, inputOptions: string[] = [], outputOptions: string[] = []): Uint8Array[] {
  const raw = execFileSync(ffmpeg(), ['-v', 'error', ...inputOptions, '-i', file, ...outputOptions, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 64 * 2 ** 20 });
  const size = width * height * 3;
  return Array.from({ length: raw.length / size }, (_, index) => new Uint8Array(raw.subarray(index * size, (index + 1) * size)));
}
/** A JPEG's size, from its baseline frame header (SOF0). */
function jpegSize(bytes: Uint8Array): [number, number] {
  const view = Buffer.from(bytes);
  let at = 2;
  while (view[at + 1] !== 0xc0) at += 2 + view.readUInt16BE(at + 2);
  return [view.readUInt16BE(at + 7), view.readUInt16BE(at + 5)];
}
/** A JPEG's pixels as the ffmpeg program decodes them. */
const jpegRgb = (bytes: Uint8Array) => new Uint8Array(execFileSync(ffmpeg(), ['-v', 'error', '-f', 'jpeg_pipe', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: bytes }));
const probedRotation = (file: string) => execFileSync(findOnPath('ffprobe')!, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream_side_data=rotation', '-of', 'csv=p=0', file]).toString().trim();

async function framesOf(backend: BackendChoice, file: string, request: FrameRequest, autorotate = true) {
  const source = await BACKENDS[backend](file, optionsFor(backend, autorotate));
  try {
    return { metadata: await source.metadata(), frames: await source.frames(WANTED, request) };
  } finally {
    await source.close();
  }
}

describe('upright frames on both backends', function () {
  let dir: string;
  const files = new Map<string, string>();

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-rotation-'));
    const spec = { codec: 'h264' as const, width: WIDTH, height: HEIGHT, fps: 25, frameCount: FRAMES, gop: 4, bFrames: 2, source: SOURCE };
    const plain = path.join(dir, 'plain.mp4');
    await generateVideo({ ...spec, path: plain });
    for (const clip of CLIPS) {
      const file = path.join(dir, `${clip.name.replace(/\W/g, '-')}.mp4`);
      if (clip.displayMatrix) await generateVideo({ ...spec, path: file, displayMatrix: clip.displayMatrix });
      else execFileSync(ffmpeg(), ['-v', 'error', '-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${clip.rotateTag}`, file]);
      files.set(clip.name, file);
    }
    files.set('anamorphic', path.join(dir, 'anamorphic.mp4'));
    execFileSync(ffmpeg(), ['-v', 'error', '-f', 'lavfi', '-i', SOURCE, '-frames:v', String(FRAMES), '-vf', 'setsar=4/3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '4', files.get('anamorphic')!]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const clip of CLIPS) {
    it(`${clip.name}: metadata, upright pixels as ffmpeg shows them, the same on both backends, JPEGs at the displayed aspect`, async () => {
      const file = files.get(clip.name)!;
      assert.equal(probedRotation(file), String(clip.rotation), 'the clip carries the display matrix');
      const reference = referenceFrames(file, clip.width, clip.height);
      const delivered = new Map<BackendChoice, VideoFrame[]>();
      for (const backend of ['libav', 'ffmpeg'] as const) {
        const { metadata, frames } = await framesOf(backend, file, { jpegBytes: true });
        assert.deepEqual([metadata.rotation, metadata.sample_aspect_ratio, metadata.width, metadata.height], [clip.rotation, '1:1', clip.width, clip.height], backend);
        for (const frame of frames) {
          assert.deepEqual([frame.width, frame.height], [clip.width, clip.height]);
          assert.equal(colourAt(frame.data!, frame.width, clip.red), 'red', `${backend}: red band of frame ${frame.index}`);
          assert.equal(colourAt(frame.data!, frame.width, clip.blue), 'blue', `${backend}: blue band of frame ${frame.index}`);
          const difference = meanAbsoluteDifference(frame.data!, reference[frame.index]);
          assert.ok(difference <= TOLERANCE, `${backend}: frame ${frame.index} differs from ffmpeg's upright one by ${difference.toFixed(2)}`);
          assert.deepEqual(jpegSize(frame.jpeg!), [clip.width, clip.height], `${backend}: JPEG size`);
        }
        const jpeg = jpegRgb(frames[0].jpeg!);
        assert.deepEqual([colourAt(jpeg, clip.width, clip.red), colourAt(jpeg, clip.width, clip.blue)], ['red', 'blue'], `${backend}: JPEG bands`);
        delivered.set(backend, frames);
      }
      delivered.get('libav')!.forEach((frame, order) => {
        const difference = meanAbsoluteDifference(frame.data!, delivered.get('ffmpeg')![order].data!);
        assert.ok(difference <= TOLERANCE, `the backends' frame ${frame.index} differs by ${difference.toFixed(2)}`);
      });
    });
  }

  it('size and resize apply to the upright picture, and both backends agree', async () => {
    const file = files.get('rotate=270')!;
    for (const request of [{ size: 48 }, { resize: { width: 64, height: 64, fit: 'contain' as const } }]) {
      const [libav, ffmpegFrames] = [(await framesOf('libav', file, { ...request, jpegBytes: true })).frames, (await framesOf('ffmpeg', file, { ...request, jpegBytes: true })).frames];
      for (const frames of [libav, ffmpegFrames]) {
        for (const frame of frames) {
          if ('size' in request) {
            // 96x144 upright, shorter side 48: the red band is along the top, the blue one down the left.
            assert.deepEqual([frame.width, frame.height], [48, 72]);
            assert.equal(colourAt(frame.data!, 48, [24, 5]), 'red');
            assert.equal(colourAt(frame.data!, 48, [3, 36]), 'blue');
          } else {
            // Scaled to 42x64, padded by 10 columns on the left and 12 on the right.
            assert.deepEqual([frame.width, frame.height], [64, 64]);
            for (const x of [4, 58]) assert.equal(colourAt(frame.data!, 64, [x, 32]), 'black', `pad at x ${x}`);
            assert.equal(colourAt(frame.data!, 64, [31, 5]), 'red');
            assert.equal(colourAt(frame.data!, 64, [12, 36]), 'blue');
          }
          assert.deepEqual(jpegSize(frame.jpeg!), [frame.width, frame.height]);
        }
      }
      libav.forEach((frame, order) => assert.ok(meanAbsoluteDifference(frame.data!, ffmpegFrames[order].data!) <= TOLERANCE, `${JSON.stringify(request)}: frame ${frame.index}`));
    }
  });

  it('autorotate off: frames as stored, stamped with their index, the rotation still reported', async () => {
    const file = files.get('rotate=90')!;
    const reference = referenceFrames(file, WIDTH, HEIGHT, ['-noautorotate']);
    for (const backend of ['libav', 'ffmpeg'] as const) {
      const { metadata, frames } = await framesOf(backend, file, {}, false);
      assert.deepEqual([metadata.rotation, metadata.width, metadata.height], [90, WIDTH, HEIGHT], backend);
      for (const frame of frames) {
        assert.deepEqual([frame.width, frame.height], [WIDTH, HEIGHT]);
        assert.equal(readFrameStamp(frame.data!, WIDTH, HEIGHT), frame.index, `${backend}: stamp`);
        assert.equal(colourAt(frame.data!, WIDTH, [12, 48]), 'red');
        assert.equal(colourAt(frame.data!, WIDTH, [72, 88]), 'blue');
        assert.ok(meanAbsoluteDifference(frame.data!, reference[frame.index]) <= TOLERANCE, `${backend}: frame ${frame.index} as stored`);
      }
    }
  });

  it('ffprobe, where libavformat cannot read a file, gives the same display matrix and sample aspect ratio', async () => {
    for (const name of ['rotate=270', 'mirrored', 'anamorphic']) {
      const file = files.get(name)!;
      const [inProcess, probed] = [readPacketSummary(file).summary, (await probePackets(findOnPath('ffprobe')!, file, 30)).summary];
      assert.deepEqual([probed.displayMatrix, probed.sampleAspectRatio], [inProcess.displayMatrix, inProcess.sampleAspectRatio], name);
    }
    assert.deepEqual(readPacketSummary(files.get('anamorphic')!).summary.sampleAspectRatio, { num: 4, den: 3 });
  });

  it('anamorphic pixels: sample_aspect_ratio reported, frames and JPEGs at the displayed width', async () => {
    const file = files.get('anamorphic')!;
    // 144 stored columns of 4:3 pixels show as 192: what ffmpeg's bicubic scaler makes of them.
    const reference = referenceFrames(file, 192, HEIGHT, [], ['-vf', `scale=192:${HEIGHT}:flags=bicubic`]);
    for (const backend of ['libav', 'ffmpeg'] as const) {
      const { metadata, frames } = await framesOf(backend, file, { jpegBytes: true });
      assert.deepEqual([metadata.rotation, metadata.sample_aspect_ratio, metadata.width, metadata.height], [0, '4:3', 192, HEIGHT], backend);
      for (const frame of frames) {
        assert.deepEqual([frame.width, frame.height], [192, HEIGHT]);
        assert.equal(colourAt(frame.data!, 192, [16, 48]), 'red');
        assert.equal(colourAt(frame.data!, 192, [36, 48]), 'green');
        assert.deepEqual(jpegSize(frame.jpeg!), [192, HEIGHT]);
        assert.ok(meanAbsoluteDifference(frame.data!, reference[frame.index]) <= TOLERANCE, `${backend}: frame ${frame.index} against ffmpeg's scaled one`);
      }
      assert.equal(colourAt(jpegRgb(frames[0].jpeg!), 192, [16, 48]), 'red', `${backend}: JPEG`);
    }
  });
});
