import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtins } from '../../kernel/src/builtins/builtinTasks';
import { sampleFpsFrames, type FpsRecord } from '../../kernel/src/builtins/sampleFpsFrames';
import { processingFingerprint } from '../../kernel/src/processor/processingFingerprint';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { LibavVideoSource, openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { OpenedVideoSource, SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { BatchVideoProcessor } from '../../kernel/src/processor/batchVideoProcessor';
import { VideoLoader } from '../../kernel/src/video/videoLoader';
import type { VideoFrame } from '../../kernel/src/video/videoTypes';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo, type GeneratedVideoInfo } from '../../samples/videoGenerator';
import { readResults, runCli } from '../cli/cliRun';

const BACKENDS: Record<BackendChoice, (file: string, options: SourceOptions) => Promise<OpenedVideoSource>> = {
  libav: (file, options) => openLibavSource(file, options, 'cpu'),
  ffmpeg: (file, options) => openFfmpegSource(file, options, 'cpu'),
};

function optionsFor(backend: BackendChoice): SourceOptions {
  return { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 };
}

/** 60 frames at 25 fps (2.4 s), CFR in mp4 and VFR (uneven frame lengths) in Matroska, B-frames in both. */
const VIDEOS = [
  { id: 'cfr', file: 'cfr.mp4', vfr: false },
  { id: 'vfr', file: 'vfr.mkv', vfr: true },
];

/**
 * The truth, from the generator's own timestamps rather than the engine's index: the last frame
 * starting at or before t (a microsecond of rounding allowed), by a plain scan.
 */
function shownAt(info: GeneratedVideoInfo, time: number): number {
  let shown = 0;
  info.timestamps.forEach((start, index) => start <= time + 1e-6 && (shown = index));
  return shown;
}

/** Each frame is the one the times ask for: index, stamp drawn into its pixels, and timestamp. */
function assertShown(frames: VideoFrame[], info: GeneratedVideoInfo, times: number[]): void {
  assert.deepEqual(frames.map((frame) => frame.index), times.map((time) => shownAt(info, time)), `indices for times ${times.join(', ')}`);
  for (const frame of frames) {
    assert.equal(readFrameStamp(frame.data!, frame.width, frame.height), frame.index, `stamp of frame ${frame.index}`);
    assert.ok(Math.abs(frame.timestamp - info.timestamps[frame.index]) < 1e-3, `timestamp of frame ${frame.index}: ${frame.timestamp} vs ${info.timestamps[frame.index]}`);
  }
}

describe('time-based samplers', function () {
  let dir: string;
  const generated = new Map<string, GeneratedVideoInfo>();

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-time-samplers-'));
    for (const video of VIDEOS) {
      generated.set(video.id, await generateVideo({ path: path.join(dir, video.file), codec: 'h264', width: 192, height: 108, fps: 25, frameCount: 60, gop: 20, bFrames: 2, vfr: video.vfr }));
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const backend of ['libav', 'ffmpeg'] as const) {
    for (const video of VIDEOS) {
      it(`${backend}, ${video.id}: sampleFps(1), sampleFps(60) and getFramesAt give the frames shown at the times`, async () => {
        const info = generated.get(video.id)!;
        let opened: OpenedVideoSource | undefined;
        const loader = new VideoLoader({ videoId: video.id, videoPath: info.path }, async () => (opened = await BACKENDS[backend](info.path, optionsFor(backend))));
        try {
          const { duration } = await loader.getMetadata();
          assert.deepEqual((await loader.getFrameTimestamps()).map((time) => Math.round(time * 1000) / 1000), info.timestamps);
          assertShown(await loader.sampleFps(1, {}, { size: 64 }), info, [0, 1, 2]);
          // Above the video's rate frames repeat; each is decoded once.
          const times = Array.from({ length: Math.ceil(duration * 60 - 1e-6) }, (_, k) => k / 60);
          const decodedBefore = opened instanceof LibavVideoSource ? opened.decodedFrameCount : 0;
          const dense = await loader.sampleFps(60, {}, { size: 64 });
          assertShown(dense, info, times);
          assert.ok(new Set(dense.map((frame) => frame.index)).size < dense.length, 'some frames repeat');
          if (opened instanceof LibavVideoSource) {
            const decoded = opened.decodedFrameCount - decodedBefore;
            assert.ok(decoded <= 60, `${decoded} frames decoded for ${dense.length} times over 60 frames`);
          }
          assertShown(await loader.sampleFps(60, { maxFrames: 7 }, { size: 64 }), info, times.slice(0, 7));
          const asked = [duration, 0, 1.234, info.timestamps[31], info.timestamps[31] - 0.001, duration - 0.001, 0.5];
          assertShown(await loader.getFramesAt(asked, { size: 64 }), info, asked);
          await assert.rejects(loader.getFramesAt([0, duration + 0.01]), { name: 'RangeError', message: `getFramesAt: time ${duration + 0.01} s (position 1) lies outside the video, which spans [0, ${duration}] s` });
          await assert.rejects(loader.getFramesAt([-0.5]), RangeError);
          for (const fps of [0, -2, Number.NaN]) await assert.rejects(loader.sampleFps(fps), { name: 'RangeError', message: `sampleFps: fps must be a finite number > 0, got ${fps}` });
          await assert.rejects(loader.sampleFps(1, { maxFrames: 0 }), /maxFrames must be a whole number >= 1, got 0/);
        } finally {
          await loader.close();
        }
      });
    }
  }

  it('the fps built-in records indices, timestamps, times and the JPEG of each frame', async () => {
    const info = generated.get('vfr')!;
    const outputDir = path.join(dir, 'out-builtin');
    const loader = new VideoLoader({ videoId: 'vfr', videoPath: info.path, outputDir }, () => BACKENDS.libav(info.path, optionsFor('libav')));
    try {
      const record: FpsRecord = await sampleFpsFrames(loader, { fps: 30, maxFrames: 40, size: 64 });
      const times = Array.from({ length: 40 }, (_, k) => k / 30);
      assert.deepEqual(record.times, times);
      assert.equal(record.fps, 30);
      assert.deepEqual(record.indices, times.map((time) => shownAt(info, time)));
      assert.deepEqual(record.timestamps.map((time) => Math.round(time * 1000) / 1000), record.indices.map((index) => info.timestamps[index]));
      assert.equal(record.num_frames, 40);
      for (const frame of record.frames) assert.ok(frame.path?.endsWith(`frame_${String(frame.index).padStart(6, '0')}.jpg`) && existsSync(frame.path), String(frame.path));
    } finally {
      await loader.close();
    }
  });

  it("a function of the caller's gets getFramesAt and sampleFps through a decoding worker", async () => {
    const csvPath = path.join(dir, 'parent.csv');
    await writeFile(csvPath, `video_id,video_path\nvfr,${VIDEOS[1].file}\n`);
    const processor = new BatchVideoProcessor({ config: { device: 'cpu' }, numWorkers: 1, checkpointPath: path.join(dir, 'parent.ckpt.json') });
    const results = await processor.processDataset({
      csvPath, videoCol: 'video_path', idCol: 'video_id',
      processFn: async (loader) => ({
        at: (await loader.getFramesAt([0.5, 1.5], { pixels: false })).map((frame) => frame.index),
        fps: (await loader.sampleFps(2, {}, { pixels: false })).map((frame) => frame.index),
      }),
    });
    assert.equal(results.stats.processed, 1);
    const info = generated.get('vfr')!;
    const [record] = results.records.toArray();
    assert.deepEqual(record.result, { at: [0.5, 1.5].map((time) => shownAt(info, time)), fps: [0, 0.5, 1, 1.5, 2].map((time) => shownAt(info, time)) });
  });

  for (const backend of ['libav', 'ffmpeg'] as const) {
    it(`CLI --fn fps --fps 2 --backend ${backend} writes the frames shown every half second`, async () => {
      const csvPath = path.join(dir, 'videos.csv');
      await writeFile(csvPath, `video_id,video_path\n${VIDEOS.map((video) => `${video.id},${video.file}`).join('\n')}\n`);
      const out = path.join(dir, `out-cli-${backend}`);
      const run = await runCli(['process', csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'fps', '--fps', '2', '--size', '64', '--workers', '2',
        '--device', 'cpu', '--backend', backend, '--out', out, '--checkpoint', path.join(dir, `cli-${backend}.json`)]);
      assert.equal(run.code, 0, run.stderr);
      const records = readResults(out);
      for (const video of VIDEOS) {
        const info = generated.get(video.id)!;
        const result = records.find((record) => record.id === video.id)?.result as FpsRecord;
        const times = [0, 0.5, 1, 1.5, 2];
        assert.deepEqual(result.times, times);
        assert.equal(result.fps, 2);
        assert.deepEqual(result.indices, times.map((time) => shownAt(info, time)), video.id);
        assert.deepEqual(result.timestamps.map((time) => Math.round(time * 1000) / 1000), result.indices.map((index) => info.timestamps[index]));
        for (const frame of result.frames) assert.ok(frame.path && existsSync(frame.path), String(frame.path));
      }
    });
  }

  it('CLI refuses --fn fps without a rate, a rate <= 0, and --fps with another --fn', async () => {
    const csvPath = path.join(dir, 'videos.csv');
    await writeFile(csvPath, `video_id,video_path\ncfr,${VIDEOS[0].file}\n`);
    const cases: [string[], RegExp][] = [
      [['--fn', 'fps'], /--fn fps needs --fps R/],
      [['--fn', 'fps', '--fps', '0'], /--fps takes a number > 0, got '0'/],
      [['--fn', 'fps', '--fps', 'abc'], /--fps takes a number > 0, got 'abc'/],
      [['--fn', 'fps', '--fps', '2', '--max-frames', '0'], /--max-frames takes a whole number >= 1/],
      [['--fn', 'keyframes', '--fps', '2'], /--fps applies to --fn fps only/],
    ];
    for (const [flags, message] of cases) {
      const run = await runCli(['process', csvPath, '--video-col', 'video_path', ...flags]);
      assert.equal(run.code, 2, `${flags.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  it('fingerprints fps runs by their rate and limit', () => {
    const fingerprints = [builtins.fps({ fps: 1 }), builtins.fps({ fps: 2 }), builtins.fps({ fps: 2, maxFrames: 5 }), builtins.adaptive()].map((fn) => processingFingerprint(fn));
    assert.equal(new Set(fingerprints).size, 4, fingerprints.join(' | '));
    assert.equal(fingerprints[0], 'builtin:fps:{"fps":1}');
  });
});
