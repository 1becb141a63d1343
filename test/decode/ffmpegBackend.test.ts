import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { concatScript, decodeDeviceArgs, extractionInvocation, fileUrl } from '../../kernel/src/decode/ffmpegCli/ffmpegArguments';
import { resolveFfmpegBinary } from '../../kernel/src/decode/ffmpegCli/ffmpegBinary';
import { findOnPath } from '../../kernel/src/pathLookup';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { cheapestSeekPlan, concatSeekPlan, decodeStretches, wholeFilePlan } from '../../kernel/src/decode/ffmpegCli/seekPlan';
import type { PacketSummary } from '../../kernel/src/decode/videoDescription';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { generateVideo } from '../../samples/videoGenerator';
import { writeBrokenFiles } from '../../samples/brokenFiles';
import { describeFrameAccuracy } from './frameAccuracySuite';
import { readFrameStamp } from '../../samples/frameStamp';
import { runProgram } from '../../kernel/src/runProgram';

const cpuOptions: SourceOptions = { settings: { ...new DecoderConfig({ backend: 'ffmpeg' }).toSettings(), device: 'cpu' }, gpuId: 0 };

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

    it('takes an ffmpeg without ffprobe (packets are read in process then)', async () => {
      const lone = path.join(dir, 'lone');
      await mkdir(lone, { recursive: true });
      await symlink(realFfmpeg!, path.join(lone, 'ffmpeg')).catch(() => undefined);
      assert.deepEqual(resolveFfmpegBinary(undefined, { PATH: lone }), { ffmpeg: path.join(lone, 'ffmpeg'), ffprobe: null, source: 'PATH' });
    });

    it('says what it tried when there is no ffmpeg, and never replaces a setting that names none', async () => {
      const notExecutable = path.join(dir, 'not-a-program');
      await writeFile(notExecutable, 'text');
      await chmod(notExecutable, 0o644);
      const emptyDir = path.join(dir, 'empty');
      await mkdir(emptyDir, { recursive: true });
      assert.throws(
        () => resolveFfmpegBinary(undefined, { FFMPEG_PATH: notExecutable, PATH: emptyDir }),
        (error: Error) => error.message.includes(`FFMPEG_PATH names ${notExecutable}, which is not an executable file; no executable ffmpeg in any PATH folder (${emptyDir})`),
      );
      assert.throws(() => resolveFfmpegBinary(undefined, { PATH: '' }), /FFMPEG_PATH is not set; PATH is empty/);
      const onPath = await fakeBin('path');
      assert.throws(() => resolveFfmpegBinary(notExecutable, { PATH: onPath }), /the ffmpeg setting names .*not-a-program, which is not an executable file/);
    });
  });

  describe('command lines', () => {
    it('adds CUDA decoding on the assigned GPU only for the gpu device', () => {
      assert.deepEqual(decodeDeviceArgs('gpu', 1), ['-hwaccel', 'cuda', '-hwaccel_device', '1']);
      assert.deepEqual(decodeDeviceArgs('cpu', 1), []);
    });

    /** 100 frames at 25 fps in a 1/12800 time base, keyframes every 30. */
    const summary: PacketSummary = {
      pts: Array.from({ length: 100 }, (_, i) => i * 512), timeBase: { num: 1, den: 12800 }, keyframes: [0, 30, 60, 90],
      lastDuration: 512, totalBytes: 0, width: 64, height: 48, sampleAspectRatio: { num: 0, den: 1 }, codec: 'h264', pixFmt: 'yuv420p', bitRate: 0,
    };
    const plan = { streamIndex: 0, geometry: { width: 64, height: 48, scaleWidth: 64, scaleHeight: 48 }, pixels: true, jpegQscale: 5, threads: 1, device: 'cpu' as const, gpuId: 0, networkTimeoutS: 30 };

    it('passes every path as a file: URL, in arguments and in the concat script, never through a shell', () => {
      const whole = extractionInvocation({ ...plan, file: '-i.mp4', seek: wholeFilePlan(summary, [0, 5]), jpegPattern: '/out/$(x)/%06d.jpg' });
      assert.equal(whole.args[whole.args.indexOf('-i') + 1], 'file:-i.mp4');
      assert.equal(whole.args.at(-1), 'file:/out/$(x)/%06d.jpg');
      assert.equal(whole.stdin, undefined);
      const seeking = extractionInvocation({ ...plan, file: "/v/it's -i $(x).mp4", seek: concatSeekPlan(summary, [40]) });
      assert.equal(seeking.args[seeking.args.indexOf('-i') + 1], 'pipe:0');
      assert.match(seeking.stdin!, /^file 'file:\/v\/it'\\''s -i \$\(x\)\.mp4'$/m);
      assert.equal(fileUrl('a:b.mp4'), 'file:a:b.mp4');
      assert.throws(() => concatScript('a\nb.mp4', []), /line break/);
    });

    it('reads one stretch per needed GOP, joining stretches fewer than a dozen frames apart', () => {
      assert.deepEqual(decodeStretches(summary, [2, 40, 45, 99]), [{ keyframe: 0, frames: [2] }, { keyframe: 30, frames: [40, 45] }, { keyframe: 90, frames: [99] }]);
      assert.deepEqual(decodeStretches(summary, [25, 33, 70]), [{ keyframe: 0, frames: [25, 33] }, { keyframe: 60, frames: [70] }]);
    });

    it('seeks only when the stretches cost less to decode than reading up to the last wanted frame', () => {
      assert.equal(cheapestSeekPlan(summary, [2, 40, 45, 99]).entries?.length, 3);
      assert.deepEqual(cheapestSeekPlan({ ...summary, keyframes: [0] }, [10, 50, 99]), wholeFilePlan(summary, [10, 50, 99]));
      assert.deepEqual(cheapestSeekPlan(summary, [3, 10, 20]), wholeFilePlan(summary, [3, 10, 20]));
    });

    it('places the stretches apart on the concat timeline and picks frames by their shifted times', () => {
      const seek = concatSeekPlan(summary, [2, 40, 45, 99]);
      // In-points on the keyframes; the room per entry is its length plus twice the video's 4 s plus 1 s,
      // rounded up so that each entry starts on a whole number of 40 ms frame gaps (9.12 s, 18.76 s).
      assert.deepEqual(seek.entries, [
        { inpointUs: 0, outpointUs: 100000, durationUs: 9120000 },
        { inpointUs: 1200000, outpointUs: 1820000, durationUs: 9640000 },
        { inpointUs: 3600000, outpointUs: 4460000, durationUs: 9860000 },
      ]);
      // Frame time + (entry start - in-point), +- half a frame gap: 0.08; 1.6 and 1.8 + 7.92; 3.96 + 15.16.
      const rounded = seek.selectWindows.map(({ fromS, toS }) => [Number(fromS.toFixed(6)), Number(toS.toFixed(6))]);
      assert.deepEqual(rounded, [[0.06, 0.1], [9.5, 9.54], [9.7, 9.74], [19.1, 19.14]]);
      const invocation = extractionInvocation({ ...plan, file: 'v.mp4', seek, pixels: false, jpegPattern: '/o/%06d.jpg' });
      assert.equal(invocation.stdin, [
        'ffconcat version 1.0',
        "file 'file:v.mp4'", 'inpoint 0.000000', 'outpoint 0.100000', 'duration 9.120000',
        "file 'file:v.mp4'", 'inpoint 1.200000', 'outpoint 1.820000', 'duration 9.640000',
        "file 'file:v.mp4'", 'inpoint 3.600000', 'outpoint 4.460000', 'duration 9.860000', '',
      ].join('\n'));
      const graph = invocation.args[invocation.args.indexOf('-filter_complex') + 1];
      const windows = ['0.060000000', '0.100000000', '9.500000000', '9.540000000', '9.700000000', '9.740000000', '19.100000000', '19.140000000'];
      const select = [0, 2, 4, 6].map((at) => `between(t\\,${windows[at]}\\,${windows[at + 1]})`).join('+');
      const jpegCoding = 'scale=flags=bicubic:out_color_matrix=bt601:out_range=full,format=pix_fmts=yuvj420p';
      const planarFirst = 'noformat=pix_fmts=nv12|nv21|nv16|nv24|nv42|p010le|p010be|p016le|p016be';
      assert.equal(graph, `[0:0]select='${select}',${planarFirst},scale=64:48:flags=bicubic,format=pix_fmts=rgb24,${jpegCoding}[jpeg]`);
      assert.deepEqual(invocation.args.slice(invocation.args.indexOf('-map')), ['-map', '[jpeg]', '-frames:v', '4', '-fps_mode', 'passthrough', '-q:v', '5', '-f', 'image2', '-y', 'file:/o/%06d.jpg']);
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

  describe('reading stretches through the concat demuxer', () => {
    // Far-apart frames in 200-frame videos with 20-frame GOPs: seeking is the cheaper plan.
    const containers = [
      { file: 'stretch-b.mp4', codec: 'h264', bFrames: 3 },
      { file: 'stretch-hevc.mp4', codec: 'hevc', bFrames: 2 },
      { file: 'stretch-vp9.webm', codec: 'vp9' },
      { file: 'stretch-vfr.mkv', codec: 'h264', bFrames: 2, vfr: true },
      { file: 'stretch-edit-list.mp4', codec: 'h264', bFrames: 2, editList: true },
    ] as const;
    const wanted = [180, 5, 100, 101, 5];

    for (const spec of containers) {
      it(`${spec.file}: the exact frames, without falling back to a full pass`, async () => {
        const file = path.join(dir, spec.file);
        await generateVideo({ ...spec, path: file, width: 96, height: 64, fps: 25, frameCount: 200, gop: 20 });
        const log: string[] = [];
        const source = await openFfmpegSource(file, { ...cpuOptions, log: (line) => log.push(line) }, 'cpu');
        const frames = await source.frames(wanted, { size: 32 });
        assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), wanted);
        assert.deepEqual(log, []);
      });
    }

    it("names with quotes, '-' and $(...) stand in the script as files", async () => {
      const file = path.join(dir, "-i it's $(touch pwned).mp4");
      await copyFile(path.join(dir, 'stretch-b.mp4'), file);
      const log: string[] = [];
      const frames = await (await openFfmpegSource(file, { ...cpuOptions, log: (line) => log.push(line) }, 'cpu')).frames(wanted, { size: 32 });
      assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), wanted);
      assert.deepEqual(log, []);
      assert.ok(!existsSync(path.join(dir, 'pwned')) && !existsSync('pwned'));
    });

    it('MPEG-TS: a seek that misses falls back to one pass, once per video', async () => {
      const file = path.join(dir, 'stretch.ts');
      await generateVideo({ path: file, codec: 'h264', bFrames: 3, width: 96, height: 64, fps: 25, frameCount: 200, gop: 20 });
      const log: string[] = [];
      const source = await openFfmpegSource(file, { ...cpuOptions, log: (line) => log.push(line) }, 'cpu');
      for (let request = 0; request < 2; request++) {
        const frames = await source.frames(wanted, { size: 32 });
        assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), wanted);
      }
      assert.equal(log.length, 1, `one fallback for the video, not one per request: ${log.join('\n')}`);
      assert.match(log[0]!, /pass/);
    });
  });

  it('gives the metadata ffprobe reads, and the same as the in-process backend', async () => {
    const viaProgram = await (await openFfmpegSource(video, cpuOptions, 'cpu')).metadata();
    const inProcess = await openLibavSource(video, cpuOptions, 'cpu');
    const expected = await inProcess.metadata();
    await inProcess.close();
    assert.deepEqual({ ...viaProgram, bit_rate: 0 }, { ...expected, bit_rate: 0 });
    // Both backends read packets with the same libav code, so the check that can fail is against
    // ffprobe, a program of its own: frame count, size, codec and rate as it counts them.
    const probed = JSON.parse(
      (await runProgram(resolveFfmpegBinary().ffprobe!, {
        args: ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=width,height,codec_name,avg_frame_rate,nb_read_packets', '-of', 'json', video],
      }, 'ffprobe')).toString(),
    ) as { streams: { width: number; height: number; codec_name: string; avg_frame_rate: string; nb_read_packets: string }[] };
    const stream = probed.streams[0]!;
    const [num, den] = stream.avg_frame_rate.split('/').map(Number);
    assert.deepEqual(
      { width: viaProgram.width, height: viaProgram.height, codec: viaProgram.codec, num_frames: viaProgram.num_frames, fps: Number(viaProgram.fps.toFixed(3)) },
      { width: stream.width, height: stream.height, codec: stream.codec_name, num_frames: Number(stream.nb_read_packets), fps: Number((num! / den!).toFixed(3)) },
    );
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
