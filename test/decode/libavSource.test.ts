import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo } from '../../samples/videoGenerator';
import { writeBrokenFiles } from '../../samples/brokenFiles';
import { describeFrameAccuracy } from './frameAccuracySuite';
import { decodeAllFrames } from '../../samples/referenceDecode';

const cpuOptions: SourceOptions = { settings: new DecoderConfig({ device: 'cpu' }).toSettings(), gpuId: 0 };

// The in-process backend scales with the same swscale call as the reference: pixels match exactly.
describeFrameAccuracy('libav (in process)', (file) => openLibavSource(file, cpuOptions, 'cpu'), 0);

describe('libav backend', function () {
  let dir: string;
  let video: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-libav-'));
    video = path.join(dir, 'clip.mp4');
    await generateVideo({ path: video, codec: 'h264', width: 320, height: 180, fps: 30, frameCount: 60, gop: 30, bFrames: 2 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads metadata from the packet index', async () => {
    const source = await openLibavSource(video, cpuOptions, 'cpu');
    const metadata = await source.metadata();
    await source.close();
    assert.equal(metadata.num_frames, 60);
    assert.equal(metadata.num_keyframes, 2);
    assert.equal(metadata.codec, 'h264');
    assert.equal(metadata.pix_fmt, 'yuv420p');
    assert.ok(Math.abs(metadata.duration - 2) < 1e-6, String(metadata.duration));
    assert.ok(Math.abs(metadata.fps - 30) < 1e-6);
    assert.ok(metadata.bits_per_pixel > 0);
  });

  it('writes JPEGs of the exact frames at the asked size', async () => {
    const source = await openLibavSource(video, cpuOptions, 'cpu');
    const jpegDir = path.join(dir, 'jpegs');
    const frames = await source.frames([59, 0, 31], { size: 90, pixels: false, jpegDir });
    await source.close();
    assert.deepEqual(frames.map((frame) => [frame.width, frame.height, frame.data]), [[160, 90, undefined], [160, 90, undefined], [160, 90, undefined]]);
    for (const frame of frames) {
      assert.equal(frame.jpegPath, path.join(jpegDir, `frame_${String(frame.index).padStart(6, '0')}.jpg`));
      assert.ok(existsSync(frame.jpegPath!));
      const [picture] = await decodeAllFrames(frame.jpegPath!, 160, 90);
      assert.equal(readFrameStamp(picture, 160, 90), frame.index);
    }
  });

  it('reports broken and missing files with the path and FFmpeg\'s reason', async () => {
    const broken = await writeBrokenFiles(dir, video);
    const expectations: [string, RegExp][] = [
      [broken.zeroBytes, /zero\.mp4.*(Invalid data|End of file)/],
      [broken.truncated, /truncated\.mp4/],
      [broken.randomBytes, /random\.mp4.*Invalid data/],
      [broken.text, /text\.mp4/],
      [path.join(dir, 'missing.mp4'), /missing\.mp4.*No such file/],
    ];
    for (const [file, pattern] of expectations) {
      await assert.rejects(
        (async () => {
          const source = await openLibavSource(file, cpuOptions, 'cpu');
          try {
            await source.frames([0, 30]);
          } finally {
            await source.close();
          }
        })(),
        (error: Error) => pattern.test(error.message),
        file,
      );
    }
  });
});
