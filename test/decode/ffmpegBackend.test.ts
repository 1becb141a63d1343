import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { decodeDeviceArgs, extractionArgs, fileUrl } from '../../kernel/src/decode/ffmpegCli/ffmpegArguments';
import { findOnPath, resolveFfmpegBinary } from '../../kernel/src/decode/ffmpegCli/ffmpegBinary';
import { inputSegments, openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { generateVideo } from '../../samples/videoGenerator';
import { writeBrokenFiles } from '../../samples/brokenFiles';
import { describeFrameAccuracy } from './frameAccuracySuite';

const cpuOptions: SourceOptions = { settings: new DecoderConfig({ device: 'cpu', backend: 'ffmpeg' }).toSettings(), gpuId: 0 };

// The ffmpeg program may be another FFmpeg version than node-av's, with a slightly different
// scaler: the frames must be the same ones (stamps, timestamps), the pixels nearly identical.
describeFrameAccuracy('ffmpeg program', (file) => openFfmpegSource(file, cpuOptions, 'cpu'), 4);

describe('ffmpeg backend', function () {
  let dir: string;
  let video: string;
  const realFfmpeg = findOnPath('ffmpeg');

  before(async function () {
    if (!realFfmpeg) throw new Error('these tests need an ffmpeg program on PATH (Debian: apt-get install ffmpeg)');
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-ffmpeg-'));
    video = path.join(dir, 'clip.mp4');
    await generateVideo({ path: video, codec: 'h264', width: 160, height: 120, fps: 25, frameCount: 40, gop: 20, bFrames: 2 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe('finding the program', () => {
    async function fakeBin(name: string): Promise<string> {
      const bin = path.join(dir, name);
      await mkdir(bin, { recursive: true });
      await symlink(realFfmpeg!, path.join(bin, 'ffmpeg')).catch(() => undefined);
      await symlink(findOnPath('ffprobe')!, path.join(bin, 'ffprobe')).catch(() => undefined);
      return bin;
    }

    it('takes the setting first, then FFMPEG_PATH, then PATH', async () => {
      const fromSetting = await fakeBin('setting');
      const fromEnv = await fakeBin('env');
      const onPath = await fakeBin('path');
      const env = { FFMPEG_PATH: path.join(fromEnv, 'ffmpeg'), PATH: onPath };
      assert.deepEqual(resolveFfmpegBinary(path.join(fromSetting, 'ffmpeg'), env), { ffmpeg: path.join(fromSetting, 'ffmpeg'), ffprobe: path.join(fromSetting, 'ffprobe'), source: 'setting' });
      assert.equal(resolveFfmpegBinary(undefined, env).source, 'FFMPEG_PATH');
      assert.deepEqual(resolveFfmpegBinary(undefined, { PATH: onPath }), { ffmpeg: path.join(onPath, 'ffmpeg'), ffprobe: path.join(onPath, 'ffprobe'), source: 'PATH' });
    });

    it('says what it tried when there is no ffmpeg', async () => {
      const notExecutable = path.join(dir, 'not-a-program');
      await writeFile(notExecutable, 'text');
      await chmod(notExecutable, 0o644);
      assert.throws(() => resolveFfmpegBinary(notExecutable, { PATH: path.join(dir, 'empty') }), /setting: .*not-a-program is not an executable file; FFMPEG_PATH: not set; PATH: not set/);
    });
  });

  describe('command lines', () => {
    it('adds CUDA decoding on the assigned GPU only for the gpu device', () => {
      assert.deepEqual(decodeDeviceArgs('gpu', 1), ['-hwaccel', 'cuda', '-hwaccel_device', '1']);
      assert.deepEqual(decodeDeviceArgs('cpu', 1), []);
    });

    it('passes every path as a file: URL argument, never through a shell', () => {
      const segment = { seekSeconds: 0.02, durationSeconds: 0.3, pts: [0, 5] };
      const args = extractionArgs({ file: '-i.mp4', segments: [segment], width: 64, height: 48, pixels: true, jpegPattern: '/out/$(x)/%06d.jpg', jpegQscale: 5, threads: 1, device: 'cpu', gpuId: 0 });
      assert.equal(args[args.indexOf('-i') + 1], 'file:-i.mp4');
      assert.equal(args.at(-1), 'file:/out/$(x)/%06d.jpg');
      assert.equal(fileUrl('a:b.mp4'), 'file:a:b.mp4');
    });

    it('reads one stretch per needed GOP and picks frames by their exact timestamps', () => {
      const summary = { pts: Array.from({ length: 100 }, (_, i) => i * 512), timeBase: { num: 1, den: 12800 }, keyframes: [0, 30, 60, 90] };
      const segments = inputSegments({ ...summary, lastDuration: 512, totalBytes: 0, width: 64, height: 48, codec: 'h264', pixFmt: 'yuv420p', bitRate: 0 }, [2, 40, 45, 99]);
      assert.deepEqual(segments.map((segment) => segment.pts), [[1024], [20480, 23040], [50688]]);
      assert.deepEqual(segments.map((segment) => +(segment.seekSeconds ?? NaN).toFixed(3)), [0.02, 1.22, 3.62], 'half a frame past each keyframe');
      const args = extractionArgs({ file: 'v.mp4', segments, width: 64, height: 48, pixels: false, jpegPattern: '/o/%06d.jpg', jpegQscale: 5, threads: 1, device: 'cpu', gpuId: 0 });
      assert.equal(args.filter((arg) => arg === '-i').length, 3);
      const graph = args[args.indexOf('-filter_complex') + 1];
      assert.equal(graph, "[0:v:0]select='eq(pts\\,1024)'[s0];[1:v:0]select='eq(pts\\,20480)+eq(pts\\,23040)'[s1];[2:v:0]select='eq(pts\\,50688)'[s2];[s0][s1][s2]concat=n=3:v=1:a=0,scale=64:48:flags=bicubic[jpeg]");
    });

    it('processes files named like options or shell commands as files', async () => {
      const hostile = ['-i.mp4', '$(touch pwned).mp4', 'a:b.mp4'];
      for (const name of hostile) {
        const file = path.join(dir, name);
        await copyFile(video, file);
        const source = await openFfmpegSource(file, cpuOptions, 'cpu');
        const frames = await source.frames([3], { size: 32, jpegDir: path.join(dir, `jpeg ${name} 100%`) });
        assert.equal(frames[0].index, 3);
        assert.ok(existsSync(frames[0].jpegPath!), frames[0].jpegPath);
      }
      assert.ok(!existsSync(path.join(dir, 'pwned')) && !existsSync('pwned'));
    });
  });

  it('gives the same metadata as the in-process backend', async () => {
    const viaProgram = await (await openFfmpegSource(video, cpuOptions, 'cpu')).metadata();
    const inProcess = await openLibavSource(video, cpuOptions, 'cpu');
    const expected = await inProcess.metadata();
    await inProcess.close();
    assert.deepEqual({ ...viaProgram, bit_rate: 0 }, { ...expected, bit_rate: 0 });
  });

  it("reports broken and missing files with the path and ffmpeg's words", async () => {
    const broken = await writeBrokenFiles(dir, video);
    for (const file of [...Object.values(broken), path.join(dir, 'missing.mp4')]) {
      await assert.rejects(
        (async () => (await openFfmpegSource(file, cpuOptions, 'cpu')).frames([0, 30]))(),
        (error: Error) => error.message.includes(file) && /ffprobe|ffmpeg/.test(error.message),
        file,
      );
    }
  });
});
