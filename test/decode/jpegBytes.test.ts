import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractKeyframes } from '../../kernel/src/builtins/extractKeyframes';
import { sampleAdaptiveFrames } from '../../kernel/src/builtins/sampleAdaptiveFrames';
import type { RecordWithJpegs, KeyframesRecord } from '../../kernel/src/builtins/extractKeyframes';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { OpenedVideoSource, SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { findOnPath } from '../../kernel/src/pathLookup';
import { WorkerPool } from '../../kernel/src/pool/workerPool';
import { outputSize } from '../../kernel/src/video/outputSize';
import { VideoLoader } from '../../kernel/src/video/videoLoader';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo } from '../../samples/videoGenerator';

const BACKENDS: Record<BackendChoice, (file: string, options: SourceOptions) => Promise<OpenedVideoSource>> = {
  libav: (file, options) => openLibavSource(file, options, 'cpu'),
  ffmpeg: (file, options) => openFfmpegSource(file, options, 'cpu'),
};

function optionsFor(backend: BackendChoice): SourceOptions {
  return { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 };
}

/** A whole JPEG: starts with the SOI marker (FF D8) and ends with the EOI marker (FF D9). */
function assertJpeg(bytes: Uint8Array | undefined, what: string): asserts bytes is Uint8Array {
  assert.ok(bytes instanceof Uint8Array, `${what}: no bytes`);
  assert.ok(bytes.length > 100, `${what}: ${bytes.length} bytes`);
  assert.deepEqual([bytes[0], bytes[1]], [0xff, 0xd8], `${what}: no SOI marker`);
  assert.deepEqual([bytes[bytes.length - 2], bytes[bytes.length - 1]], [0xff, 0xd9], `${what}: no EOI marker`);
}

/** Decodes JPEG bytes with the ffmpeg program (not the engine's own libraries) and reads the frame stamp. */
function stampOfJpeg(bytes: Uint8Array, width: number, height: number): number {
  const rgb = execFileSync(findOnPath('ffmpeg')!, ['-v', 'error', '-f', 'jpeg_pipe', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: bytes });
  assert.equal(rgb.length, width * height * 3, 'the JPEG has the asked size');
  return readFrameStamp(rgb, width, height);
}

describe('JPEG bytes instead of files', function () {
  let dir: string;
  let video: string;
  /** What os.tmpdir() answers during these tests: it must be empty again after each. */
  let scratchRoot: string;
  let savedTmpdir: string | undefined;
  const size = outputSize(192, 108, 64);

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-jpeg-bytes-'));
    video = path.join(dir, 'clip.mp4');
    await generateVideo({ path: video, codec: 'h264', width: 192, height: 108, fps: 25, frameCount: 60, gop: 20, bFrames: 2 });
    scratchRoot = path.join(dir, 'tmp');
    await mkdir(scratchRoot);
    savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = scratchRoot;
  });
  after(async () => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    await rm(dir, { recursive: true, force: true });
  });

  /** Nothing but the video (and the empty temporary root) in the test's folder. */
  async function assertNoFilesWritten(): Promise<void> {
    assert.deepEqual(await readdir(scratchRoot), []);
    assert.deepEqual((await readdir(dir)).sort(), ['clip.mp4', 'tmp']);
  }

  for (const backend of Object.keys(BACKENDS) as BackendChoice[]) {
    it(`${backend}: returns a valid JPEG of the exact frame for each index asked, and writes no file`, async () => {
      const source = await BACKENDS[backend](video, optionsFor(backend));
      const indices = [59, 0, 31, 0];
      try {
        const frames = await source.frames(indices, { size: 64, pixels: false, jpegBytes: true });
        assert.deepEqual(frames.map((frame) => frame.index), indices);
        for (const frame of frames) {
          assert.equal(frame.jpegPath, undefined);
          assert.equal(frame.data, undefined);
          assertJpeg(frame.jpeg, `frame ${frame.index}`);
          assert.equal(stampOfJpeg(frame.jpeg, size.width, size.height), frame.index);
        }
      } finally {
        await source.close();
      }
      await assertNoFilesWritten();
    });

    it(`${backend}: with a folder as well, the bytes are those of the file written`, async () => {
      const source = await BACKENDS[backend](video, optionsFor(backend));
      const jpegDir = path.join(dir, `both-${backend}`);
      try {
        const frames = await source.frames([7, 45], { size: 64, pixels: false, jpegBytes: true, jpegDir });
        for (const frame of frames) assert.deepEqual(new Uint8Array(await readFile(frame.jpegPath!)), new Uint8Array(frame.jpeg!));
      } finally {
        await source.close();
        await rm(jpegDir, { recursive: true, force: true });
      }
    });

    it(`${backend}: the keyframes and adaptive built-ins return their record and its JPEGs, nothing written under the output folder`, async () => {
      const outputDir = path.join(dir, 'out');
      const loader = () => new VideoLoader({ videoId: 'clip', videoPath: video, outputDir }, () => BACKENDS[backend](video, optionsFor(backend)));
      const keyframes = await extractKeyframes(loader(), { numFrames: 5, size: 64, jpegOutput: 'bytes' });
      assert.deepEqual(keyframes.record.frames, keyframes.record.indices.map((index, i) => ({ index, timestamp: keyframes.record.timestamps[i], width: size.width, height: size.height })));
      assert.deepEqual(keyframes.record.indices, [0, 14, 29, 44, 59]);
      assert.equal(keyframes.jpegs.length, 5);
      keyframes.jpegs.forEach((jpeg, i) => assertJpeg(jpeg, `keyframe ${i}`));
      assert.equal(stampOfJpeg(keyframes.jpegs[3], size.width, size.height), 44);
      const adaptive = await sampleAdaptiveFrames(loader(), { minFrames: 3, maxFrames: 3, size: 64, jpegOutput: 'bytes' });
      assert.equal(adaptive.record.metadata.num_frames, 60);
      assert.equal(adaptive.jpegs.length, adaptive.record.num_frames);
      adaptive.jpegs.forEach((jpeg, i) => assertJpeg(jpeg, `adaptive frame ${i}`));
      assert.ok(!existsSync(outputDir), 'no output folder made');
      await assertNoFilesWritten();
    });
  }

  it('both backends give the same number of JPEGs for the same request', async () => {
    const counts = await Promise.all(
      (Object.keys(BACKENDS) as BackendChoice[]).map(async (backend) => {
        const loader = new VideoLoader({ videoId: 'clip', videoPath: video }, () => BACKENDS[backend](video, optionsFor(backend)));
        const { record, jpegs } = await extractKeyframes(loader, { numFrames: 16, size: 64, jpegOutput: 'bytes' });
        await loader.close();
        return { indices: record.indices, jpegs: jpegs.filter((jpeg) => jpeg[0] === 0xff && jpeg[1] === 0xd8).length };
      }),
    );
    assert.deepEqual(counts[0], counts[1]);
    assert.equal(counts[0].jpegs, 16);
  });

  it('a built-in task in a decoding worker sends its JPEGs back as binary', async () => {
    const pool = new WorkerPool({ size: 1, settings: { ...new DecoderConfig().toSettings(), device: 'cpu' }, timeoutMs: 60_000, maxWorkerRssBytes: 2 ** 31 });
    try {
      const outputDir = path.join(dir, 'worker-out');
      const outcome = await pool.run({ videoPath: video, videoId: 'clip', outputDir, task: { name: 'keyframes', options: { numFrames: 4, size: 64, jpegOutput: 'bytes' } } });
      assert.equal(outcome.error, undefined);
      const { record, jpegs } = outcome.result as RecordWithJpegs<KeyframesRecord>;
      assert.deepEqual(record.indices, [0, 19, 39, 59]);
      assert.ok(record.frames.every((frame) => frame.path === undefined));
      jpegs.forEach((jpeg, i) => assertJpeg(jpeg, `worker keyframe ${i}`));
      assert.equal(stampOfJpeg(jpegs[1], size.width, size.height), 19);
      assert.ok(!existsSync(outputDir));
    } finally {
      await pool.close();
    }
  });
});
