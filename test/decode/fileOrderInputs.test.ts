import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { LibavVideoSource, openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { findOnPath } from '../../kernel/src/pathLookup';
import { runProgram } from '../../kernel/src/runProgram';
import { uniformIndices } from '../../kernel/src/video/frameSampling';
import { outputSize } from '../../kernel/src/video/outputSize';
import type { VideoSource } from '../../kernel/src/video/videoTypes';
import { readFrameStamp } from '../../samples/frameStamp';
import { meanAbsoluteDifference } from '../../samples/referenceDecode';
import { generateVideo } from '../../samples/videoGenerator';
import { writePackedBFrames } from '../../samples/packedBFrames';
import { seededIndices } from './frameAccuracySuite';

const WIDTH = 192;
const HEIGHT = 108;
const FPS = 25;
const FRAMES = 120;
/** x264 with fixed runs of B-frames and keyframes exactly every `g` frames, as in camera footage. */
const X264_FIXED_GOP = ['-x264-params', 'b-adapt=0:scenecut=0'];
/** MPEG-TS packets are 188 bytes: a cut there leaves a file that demuxes, mid-GOP. */
const TS_PACKET = 188;

const libavOptions: SourceOptions = { settings: { ...new DecoderConfig().toSettings(), device: 'cpu' }, gpuId: 0 };
const threadedOptions: SourceOptions = { settings: { ...new DecoderConfig({ threads: 2 }).toSettings(), device: 'cpu' }, gpuId: 0 };
const ffmpegOptions: SourceOptions = { settings: { ...new DecoderConfig({ backend: 'ffmpeg' }).toSettings(), device: 'cpu' }, gpuId: 0 };

const BACKENDS: { name: string; open: (file: string) => Promise<VideoSource>; pixelTolerance: number }[] = [
  { name: 'libav, packets kept', open: (file) => openLibavSource(file, libavOptions, 'cpu'), pixelTolerance: 4 },
  { name: 'libav, 2 frame threads, read from the demuxer', open: async (file) => LibavVideoSource.open(file, threadedOptions, 'cpu', { bytes: 0, packets: 0 }), pixelTolerance: 4 },
  { name: 'ffmpeg program', open: (file) => openFfmpegSource(file, ffmpegOptions, 'cpu'), pixelTolerance: 4 },
];

/** What `ffmpeg -i video` itself outputs: the ground truth, frame i being its i-th frame. */
interface GroundTruth {
  /** Frames at the test's output size, in ffmpeg's output order. */
  frames: Uint8Array[];
  /** The source index stamped in each. */
  stamps: number[];
}

const ffmpeg = () => findOnPath('ffmpeg')!;
const ffprobe = () => findOnPath('ffprobe')!;

async function transcode(args: string[], what: string): Promise<void> {
  await runProgram(ffmpeg(), { args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args] }, what);
}

async function groundTruth(file: string, width: number, height: number): Promise<GroundTruth> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'quiet', '-i', file, '-vf', `scale=${width}:${height}:flags=bicubic`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const stdout = await runProgram(ffmpeg(), { args }, `decoding ${file}`);
  const frameBytes = width * height * 3;
  const frames = Array.from({ length: stdout.length / frameBytes }, (_, i) => new Uint8Array(stdout.subarray(i * frameBytes, (i + 1) * frameBytes)));
  return { frames, stamps: frames.map((frame) => readFrameStamp(frame, width, height)) };
}

/** `ffprobe -count_frames`: the frames its decoder outputs (it leaves the count out when there are none). */
async function probedFrameCount(file: string): Promise<number> {
  const args = ['-v', 'quiet', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'json', file];
  const probe = JSON.parse((await runProgram(ffprobe(), { args }, `counting the frames of ${file}`)).toString('utf8')) as { streams: { nb_read_frames?: string }[] };
  return Number(probe.streams[0].nb_read_frames ?? 0);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('videos whose packets cannot order their frames, or start inside a GOP: numbered as ffmpeg outputs them', function () {
  let dir: string;
  /** Each case's file and the source stamps ffmpeg's frames must carry. */
  const cases: { name: string; file: string; stamps: () => number[] }[] = [];
  const truths = new Map<string, GroundTruth>();
  const size = outputSize(WIDTH, HEIGHT, 64);

  before(async function () {
    if (!findOnPath('ffmpeg') || !findOnPath('ffprobe')) throw new Error('these tests need ffmpeg and ffprobe on PATH (Debian: apt-get install ffmpeg)');
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-file-order-'));
    // Intra-only, so any stretch of it re-encodes exactly; every frame stamped with its index.
    const source = path.join(dir, 'source.mkv');
    await generateVideo({ path: source, codec: 'h264', width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, gop: 1, bFrames: 0 });
    const at = (name: string) => path.join(dir, name);
    await transcode(['-i', source, '-c:v', 'mpeg4', '-bf', '2', '-g', '30', '-q:v', '3', '-f', 'avi', at('asp.avi')], 'writing MPEG-4 ASP in AVI');
    await transcode(['-i', source, '-c:v', 'mpeg4', '-bf', '1', '-g', '30', '-q:v', '3', '-f', 'avi', at('asp-b1.avi')], 'writing MPEG-4 ASP in AVI');
    await writePackedBFrames(at('asp-b1.avi'), at('packed.avi'));
    await transcode(['-i', source, '-c:v', 'libx264', '-bf', '3', '-g', '30', ...X264_FIXED_GOP, '-f', 'h264', at('raw.h264')], 'writing raw H.264');
    // Two separately encoded segments: each starts at the muxer's 1.4 s again, so the timestamps jump back.
    await transcode(['-i', source, '-frames:v', '60', '-c:v', 'libx264', '-bf', '2', '-g', '30', ...X264_FIXED_GOP, '-f', 'mpegts', at('first.ts')], 'writing a segment');
    await transcode(['-i', source, '-vf', 'select=gte(n\\,60),setpts=PTS-STARTPTS', '-c:v', 'libx264', '-bf', '2', '-g', '30', ...X264_FIXED_GOP, '-f', 'mpegts', at('second.ts')], 'writing a segment');
    await writeFile(at('joined.ts'), Buffer.concat([await readFile(at('first.ts')), await readFile(at('second.ts'))]));
    // Keyframes at 0, 40, 80; a cut 100 TS packets in lands inside the first GOP.
    await transcode(['-i', source, '-c:v', 'libx264', '-bf', '2', '-g', '40', ...X264_FIXED_GOP, '-f', 'mpegts', at('whole.ts')], 'writing MPEG-TS');
    await writeFile(at('cut.ts'), (await readFile(at('whole.ts'))).subarray(100 * TS_PACKET));
    // Open GOPs: the B-frames just before each keyframe (in decode order, after it) refer back to the GOP before.
    await transcode(['-i', source, '-c:v', 'libx264', '-bf', '2', '-g', '40', '-x264-params', 'b-adapt=0:scenecut=0:open-gop=1', '-f', 'mpegts', at('open-gop.ts')], 'writing MPEG-TS');
    await writeFile(at('cut-open-gop.ts'), (await readFile(at('open-gop.ts'))).subarray(100 * TS_PACKET));
    cases.push(
      { name: 'AVI, MPEG-4 ASP with B-frames', file: at('asp.avi'), stamps: () => range(0, FRAMES) },
      { name: 'AVI, MPEG-4 ASP with packed B-frames (DivX)', file: at('packed.avi'), stamps: () => range(0, FRAMES) },
      { name: 'raw Annex-B H.264 with B-frames', file: at('raw.h264'), stamps: () => range(0, FRAMES) },
      { name: 'MPEG-TS of two joined segments', file: at('joined.ts'), stamps: () => range(0, FRAMES) },
      // FFmpeg puts out nothing before the first keyframe it finds: frames from 40 on.
      { name: 'MPEG-TS cut inside a GOP', file: at('cut.ts'), stamps: () => range(40, FRAMES) },
      // The first keyframe's leading B-frames lack their reference: FFmpeg drops them too.
      { name: 'MPEG-TS with open GOPs cut inside a GOP', file: at('cut-open-gop.ts'), stamps: () => range(40, FRAMES) },
    );
    for (const { file } of cases) truths.set(file, await groundTruth(file, size.width, size.height));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has ground truth that is each frame once, as the cases intend', async () => {
    for (const { name, file, stamps } of cases) {
      assert.deepEqual(truths.get(file)!.stamps, stamps(), name);
      assert.equal(await probedFrameCount(file), stamps().length, `${name}: ffprobe -count_frames`);
    }
  });

  for (const backend of BACKENDS) {
    describe(backend.name, () => {
      it('counts, times and finds every kind frame-exactly, in uniform and random order', async () => {
        for (const { name, file } of cases) {
          const truth = truths.get(file)!;
          const count = truth.frames.length;
          const source = await backend.open(file);
          try {
            const metadata = await source.metadata();
            assert.equal(metadata.num_frames, count, `${name}: frame count`);
            assert.ok(Math.abs(metadata.duration - count / FPS) < 1e-3 && Math.abs(metadata.fps - FPS) < 1e-3, `${name}: duration ${metadata.duration}, fps ${metadata.fps}`);
            const timestamps = await source.frameTimestamps();
            assert.equal(timestamps.length, count);
            timestamps.forEach((time, i) => assert.ok(Math.abs(time - i / FPS) < 1e-3, `${name}: timestamp of frame ${i} is ${time}`));
            const shuffled = seededIndices(count, 12, count);
            for (const indices of [uniformIndices(count, 16), [...shuffled, shuffled[0], count - 1, 0]]) {
              const frames = await source.frames(indices, { size: 64 });
              assert.deepEqual(frames.map((frame) => frame.index), indices);
              for (const frame of frames) {
                assert.equal(readFrameStamp(frame.data!, frame.width, frame.height), truth.stamps[frame.index], `${name}: stamp of frame ${frame.index}`);
                assert.equal(frame.timestamp, timestamps[frame.index]);
                const difference = meanAbsoluteDifference(frame.data!, truth.frames[frame.index]);
                assert.ok(difference <= backend.pixelTolerance, `${name}: pixels of frame ${frame.index} differ by ${difference.toFixed(2)} on average`);
              }
            }
          } finally {
            await source.close();
          }
        }
      });
    });
  }

  it('says why a stream with no frame the decoder can output cannot be indexed, naming it', async () => {
    // One GOP only: a cut inside it leaves no keyframe, and FFmpeg outputs no frame at all.
    const oneGop = path.join(dir, 'one-gop.ts');
    const headless = path.join(dir, 'headless.ts');
    await transcode(['-i', path.join(dir, 'source.mkv'), '-c:v', 'libx264', '-bf', '2', '-g', String(FRAMES), ...X264_FIXED_GOP, '-f', 'mpegts', oneGop], 'writing MPEG-TS');
    await writeFile(headless, (await readFile(oneGop)).subarray(100 * TS_PACKET));
    assert.equal(await probedFrameCount(headless), 0);
    for (const backend of BACKENDS) {
      await assert.rejects(backend.open(headless), /cannot index the frames of .*headless\.ts: it does not start with a keyframe \(cut inside a GOP\), and decoding it from its start gives no frame/, backend.name);
    }
  });
});
