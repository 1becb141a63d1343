import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtins } from '../../kernel/src/builtins/builtinTasks';
import { detectScenes, type ScenesRecord } from '../../kernel/src/builtins/detectScenes';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { OpenedVideoSource, SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { processingFingerprint } from '../../kernel/src/processor/processingFingerprint';
import { cutFrames, cutScores, lumaDifference, lumaOf, scenesOf } from '../../kernel/src/video/shotBoundaries';
import { VideoLoader } from '../../kernel/src/video/videoLoader';
import { generateVideo, type GeneratedVideoInfo } from '../../samples/videoGenerator';
import { readResults, runCli } from '../cli/cliRun';

const BACKENDS: Record<BackendChoice, (file: string, options: SourceOptions) => Promise<OpenedVideoSource>> = {
  libav: (file, options) => openLibavSource(file, options, 'cpu'),
  ffmpeg: (file, options) => openFfmpegSource(file, options, 'cpu'),
};

function optionsFor(backend: BackendChoice): SourceOptions {
  return { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 };
}

const SIZE = '192x108';
/**
 * Four shots of unrelated moving or still content, cut at frames 25, 60 and 100 (25 fps: 1 s, 2.4 s,
 * 4 s); the last cut falls on the first frame of the measure's second decoding request.
 */
const CUTS = [25, 60, 100];
const CUT_SOURCE = `testsrc2=s=${SIZE}:r=25:d=1[a];smptebars=s=${SIZE}:r=25:d=1.4[b];mandelbrot=s=${SIZE}:r=25,trim=end_frame=40[c];rgbtestsrc=s=${SIZE}:r=25:d=1.2[d];`
  + '[a]format=yuv420p[a1];[b]format=yuv420p[b1];[c]format=yuv420p[c1];[d]format=yuv420p[d1];[a1][b1][c1][d1]concat=n=4:v=1';

function loaderOf(info: GeneratedVideoInfo, backend: BackendChoice, outputDir?: string): VideoLoader {
  return new VideoLoader({ videoId: path.basename(info.path), videoPath: info.path, outputDir }, () => BACKENDS[backend](info.path, optionsFor(backend)));
}

describe('scene detection', function () {
  let dir: string;
  let cut: GeneratedVideoInfo;
  let single: GeneratedVideoInfo;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-scenes-'));
    cut = await generateVideo({ path: path.join(dir, 'cut.mp4'), codec: 'h264', width: 192, height: 108, fps: 25, frameCount: 130, gop: 20, bFrames: 2, source: CUT_SOURCE });
    single = await generateVideo({ path: path.join(dir, 'single.mp4'), codec: 'h264', width: 192, height: 108, fps: 25, frameCount: 75, gop: 20, bFrames: 2 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the measure: luma, mean absolute difference, scdet score, strongest cuts, shots between cuts', () => {
    assert.deepEqual([...lumaOf(Uint8Array.from([255, 255, 255, 0, 0, 0, 255, 0, 0]))], [255, 0, 76]);
    assert.equal(lumaDifference(Uint8Array.from([0, 255]), Uint8Array.from([255, 255])), 0.5);
    assert.throws(() => lumaDifference(Uint8Array.from([0]), Uint8Array.from([0, 0])), RangeError);
    // Steady motion (0.3 every frame) scores nothing after its onset; the jump to 0.5 does.
    const scores = cutScores([0, 0.01, 0.3, 0.3, 0.3, 0.5, 0.02]);
    assert.deepEqual(scores.map((score) => Math.round(score * 100) / 100), [0, 0.01, 0.29, 0, 0, 0.2, 0.02]);
    assert.deepEqual(cutFrames(scores, 0.1), [2, 5]);
    assert.deepEqual(cutFrames(scores, 0.1, 2), [2]);
    assert.deepEqual(cutFrames(scores, 0.1, 1), []);
    assert.deepEqual(scenesOf([2], [0, 1, 2, 3, 4], 5), [
      { start_frame: 0, end_frame: 1, start: 0, end: 2, keyframe_index: 0 },
      { start_frame: 2, end_frame: 4, start: 2, end: 5, keyframe_index: 3 },
    ]);
  });

  for (const backend of ['libav', 'ffmpeg'] as const) {
    it(`${backend}: shots start exactly at the cut frames; a video without cuts is one shot`, async () => {
      const loader = loaderOf(cut, backend, path.join(dir, `out-${backend}`));
      try {
        const record: ScenesRecord = await detectScenes(loader, { size: 64 });
        assert.deepEqual(record.scenes.map((scene) => scene.start_frame), [0, ...CUTS]);
        assert.deepEqual(record.scenes.map((scene) => scene.end_frame), [24, 59, 99, 129]);
        assert.deepEqual(record.indices, [12, 42, 79, 114]);
        assert.deepEqual(record.scenes.map((scene) => Math.round(scene.start * 1000) / 1000), [0, 1, 2.4, 4]);
        assert.ok(Math.abs(record.scenes[3].end - 5.2) < 1e-6, String(record.scenes[3].end));
        assert.deepEqual(record.timestamps.map((time) => Math.round(time * 1000) / 1000), record.indices.map((index) => cut.timestamps[index]));
        for (const frame of record.frames) assert.ok(frame.path?.endsWith(`frame_${String(frame.index).padStart(6, '0')}.jpg`) && existsSync(frame.path), String(frame.path));
        assert.equal(record.width, 114);
        assert.deepEqual((await detectScenes(loader, { maxScenes: 2 })).scenes.map((scene) => scene.start_frame).length, 2);
      } finally {
        await loader.close();
      }
      const still = loaderOf(single, backend);
      try {
        const { scenes } = await detectScenes(still);
        assert.deepEqual(scenes.map((scene) => [scene.start_frame, scene.end_frame, scene.keyframe_index]), [[0, 74, 37]]);
      } finally {
        await still.close();
      }
    });
  }

  it('refuses a threshold outside (0, 1] and maxScenes below 1', async () => {
    const loader = loaderOf(single, 'libav');
    try {
      for (const threshold of [0, 1.5, Number.NaN]) await assert.rejects(detectScenes(loader, { threshold }), { name: 'RangeError', message: `scenes: threshold must be a number in (0, 1], got ${threshold}` });
      await assert.rejects(detectScenes(loader, { maxScenes: 0 }), /maxScenes must be a whole number >= 1, got 0/);
    } finally {
      await loader.close();
    }
    const fingerprints = [builtins.scenes(), builtins.scenes({ threshold: 0.2 }), builtins.scenes({ maxScenes: 3 })].map((fn) => processingFingerprint(fn));
    assert.equal(new Set(fingerprints).size, 3, fingerprints.join(' | '));
  });

  for (const backend of ['libav', 'ffmpeg'] as const) {
    it(`CLI --fn scenes --backend ${backend} records the shots and their keyframes' JPEGs`, async () => {
      const csvPath = path.join(dir, 'videos.csv');
      await writeFile(csvPath, 'video_id,video_path\ncut,cut.mp4\nsingle,single.mp4\n');
      const out = path.join(dir, `out-cli-${backend}`);
      const run = await runCli(['process', csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'scenes', '--size', '64', '--workers', '2',
        '--device', 'cpu', '--backend', backend, '--out', out, '--checkpoint', path.join(dir, `cli-${backend}.json`)]);
      assert.equal(run.code, 0, run.stderr);
      const records = readResults(out);
      const resultOf = (id: string) => records.find((record) => record.id === id)?.result as ScenesRecord;
      assert.deepEqual(resultOf('cut').scenes.map((scene) => scene.start_frame), [0, ...CUTS]);
      assert.deepEqual(resultOf('single').scenes.map((scene) => scene.start_frame), [0]);
      for (const frame of resultOf('cut').frames) assert.ok(frame.path && existsSync(frame.path), String(frame.path));
    });
  }

  it('CLI refuses a bad --threshold or --max-scenes, and either without --fn scenes', async () => {
    const csvPath = path.join(dir, 'videos.csv');
    await writeFile(csvPath, 'video_id,video_path\nsingle,single.mp4\n');
    const cases: [string[], RegExp][] = [
      [['--fn', 'scenes', '--threshold', '0'], /--threshold takes a number > 0, got '0'/],
      [['--fn', 'scenes', '--threshold', '2'], /--threshold takes a number in \(0, 1\], got '2'/],
      [['--fn', 'scenes', '--max-scenes', '0'], /--max-scenes takes a whole number >= 1/],
      [['--fn', 'keyframes', '--threshold', '0.2'], /--threshold applies to --fn scenes only/],
      [['--fn', 'fps', '--fps', '1', '--max-scenes', '3'], /--max-scenes applies to --fn scenes only/],
    ];
    for (const [flags, message] of cases) {
      const run = await runCli(['process', csvPath, '--video-col', 'video_path', ...flags]);
      assert.equal(run.code, 2, `${flags.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});
