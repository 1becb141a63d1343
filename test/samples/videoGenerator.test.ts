import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Log } from 'node-av/lib';
import { AV_LOG_QUIET } from 'node-av/constants';
import { writeBrokenFiles } from '../../samples/brokenFiles';
import { readFrameStamp, stampFrameIndex } from '../../samples/frameStamp';
import { generateVideo, type GeneratedVideoInfo, type GeneratedVideoSpec } from '../../samples/videoGenerator';

const FFMPEG = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';

/**
 * Runs a program with an argument array, feeding `input` to its stdin; resolves with what it wrote
 * to stdout and to each further descriptor in `extraOutputs` (3, 4, ...: ffmpeg's `pipe:3`).
 */
function runOutputs(program: string, args: string[], extraOutputs = 0, input?: Buffer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe', ...Array.from({ length: extraOutputs }, () => 'pipe' as const)] });
    const outputs = [1, ...Array.from({ length: extraOutputs }, (_, i) => i + 3)].map((fd) => {
      const chunks: Buffer[] = [];
      child.stdio[fd]!.on('data', (chunk: Buffer) => chunks.push(chunk));
      return chunks;
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0 ? resolve(outputs.map((chunks) => Buffer.concat(chunks))) : reject(new Error(`${path.basename(program)} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)),
    );
    child.stdin.on('error', () => undefined); // a program that fails early closes its stdin
    child.stdin.end(input);
  });
}

async function run(program: string, args: string[], input?: Buffer): Promise<Buffer> {
  const [stdout] = await runOutputs(program, args, 0, input);
  return stdout;
}

interface Probe {
  codec: string;
  width: number;
  height: number;
  countedFrames: number;
  startTime: number;
  /** Decoded frames in presentation order. */
  frames: { keyframe: boolean; pictType: string; time: number }[];
}

async function probe(file: string): Promise<Probe> {
  const json = await run(FFPROBE, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames,start_time:frame=key_frame,pict_type,pts_time', '-of', 'json', `file:${file}`]);
  const parsed = JSON.parse(json.toString()) as {
    streams: { codec_name: string; width: number; height: number; nb_read_frames: string; start_time: string }[];
    frames: { key_frame: number; pict_type: string; pts_time: string }[];
  };
  const [stream] = parsed.streams;
  return {
    codec: stream.codec_name,
    width: stream.width,
    height: stream.height,
    countedFrames: Number(stream.nb_read_frames),
    startTime: Number(stream.start_time),
    frames: parsed.frames.map((frame) => ({ keyframe: frame.key_frame === 1, pictType: frame.pict_type, time: Number(frame.pts_time) })),
  };
}

function rgbFrames(pixels: Buffer, width: number, height: number): Uint8Array[] {
  const frameBytes = width * height * 3;
  assert.equal(pixels.length % frameBytes, 0, 'whole frames');
  return Array.from({ length: pixels.length / frameBytes }, (_, i) => pixels.subarray(i * frameBytes, (i + 1) * frameBytes));
}

const RAW_RGB = ['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24'];

/** The first `limit` frames (default all) as packed RGB24, as Debian's ffmpeg decodes them. */
async function decodeRgb(file: string, width: number, height: number, limit?: number): Promise<Uint8Array[]> {
  const frames = limit === undefined ? [] : ['-frames:v', String(limit)];
  return rgbFrames(await run(FFMPEG, ['-v', 'error', '-i', `file:${file}`, ...frames, ...RAW_RGB, 'pipe:1']), width, height);
}

/**
 * Every frame as packed RGB24 three ways, from one decode by Debian's ffmpeg: at the video's size,
 * scaled to `smallWidth`x224, and scaled then through its mjpeg encoder and decoder.
 */
async function decodeThreeWays(file: string, width: number, height: number, smallWidth: number): Promise<Record<'native' | 'small' | 'jpeg', Uint8Array[]>> {
  const graph = `[0:v]split=2[native][big];[big]scale=${smallWidth}:224,split=2[small][forjpeg]`;
  const [native, small, jpegs] = await runOutputs(FFMPEG, [
    '-v', 'error', '-i', `file:${file}`, '-filter_complex', graph,
    '-map', '[native]', ...RAW_RGB, 'pipe:1',
    '-map', '[small]', ...RAW_RGB, 'pipe:3',
    // qscale 5 is what the engine's JPEG quality 90 maps to.
    '-map', '[forjpeg]', '-fps_mode', 'passthrough', '-c:v', 'mjpeg', '-q:v', '5', '-f', 'mjpeg', 'pipe:4',
  ], 2);
  const jpeg = await run(FFMPEG, ['-v', 'error', '-f', 'mjpeg', '-i', 'pipe:0', ...RAW_RGB, 'pipe:1'], jpegs);
  return { native: rgbFrames(native, width, height), small: rgbFrames(small, smallWidth, 224), jpeg: rgbFrames(jpeg, smallWidth, 224) };
}

/** The entries of an mp4's first edit list, and the movie timescale their durations count in. */
function editList(mp4: Buffer): { timescale: number; edits: { duration: number; mediaTime: number }[] } {
  const mvhd = mp4.indexOf('mvhd');
  const elst = mp4.indexOf('elst');
  assert.ok(mvhd > 0 && elst > 0, 'the file has a movie header and an edit list');
  const timescale = mp4.readUInt32BE(mvhd + 4 + (mp4[mvhd + 4] === 1 ? 20 : 12));
  const version = mp4[elst + 4];
  const count = mp4.readUInt32BE(elst + 8);
  const entrySize = version === 1 ? 20 : 12;
  const edits = Array.from({ length: count }, (_, i) => {
    const at = elst + 12 + i * entrySize;
    return version === 1
      ? { duration: Number(mp4.readBigUInt64BE(at)), mediaTime: Number(mp4.readBigInt64BE(at + 8)) }
      : { duration: mp4.readUInt32BE(at), mediaTime: mp4.readInt32BE(at + 4) };
  });
  return { timescale, edits };
}

/** Width at 224 px height, even, keeping the aspect. */
function widthAt224(spec: GeneratedVideoSpec): number {
  return Math.round((224 * spec.width) / spec.height / 2) * 2;
}

describe('video generator', function () {
  let dir: string;
  const clips: { name: string; spec: GeneratedVideoSpec; info?: GeneratedVideoInfo }[] = [
    { name: 'H.264 4:3 with B-frames', spec: { path: 'h264.mp4', codec: 'h264', width: 320, height: 240, fps: 25, frameCount: 30, gop: 12, bFrames: 2 } },
    { name: 'HEVC 16:9 in Matroska', spec: { path: 'hevc.mkv', codec: 'hevc', width: 384, height: 216, fps: 30, frameCount: 30, gop: 20, bFrames: 2 } },
    { name: 'VP9 in WebM', spec: { path: 'vp9.webm', codec: 'vp9', width: 426, height: 240, fps: 25, frameCount: 30, gop: 16 } },
    { name: 'H.264 without B-frames, RGB source', spec: { path: 'mandelbrot.mp4', codec: 'h264', width: 320, height: 180, fps: 25, frameCount: 30, gop: 10, bFrames: 0, source: 'mandelbrot=size=160x90:rate=25' } },
  ];
  const vfrSpec = { path: 'vfr.mkv', codec: 'h264', width: 192, height: 108, fps: 25, frameCount: 30, gop: 10, bFrames: 2, vfr: true } as const;
  const editListSpec = { path: 'edit-list.mp4', codec: 'h264', width: 192, height: 108, fps: 25, frameCount: 30, gop: 10, bFrames: 2, editList: true } as const;
  let vfr: GeneratedVideoInfo;
  let edited: GeneratedVideoInfo;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-generator-'));
    for (const clip of clips) {
      clip.spec = { ...clip.spec, path: path.join(dir, clip.spec.path) };
      clip.info = await generateVideo(clip.spec);
    }
    vfr = await generateVideo({ ...vfrSpec, path: path.join(dir, vfrSpec.path) });
    edited = await generateVideo({ ...editListSpec, path: path.join(dir, editListSpec.path) });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const clip of clips) {
    describe(clip.name, () => {
      it('decodes with ffprobe: codec, size, every frame, keyframes exactly every gop frames', async () => {
        const { spec, info } = clip;
        const probed = await probe(spec.path);
        assert.deepEqual([probed.codec, probed.width, probed.height, probed.countedFrames], [spec.codec, spec.width, spec.height, spec.frameCount]);
        assert.equal(info!.frameCount, spec.frameCount);
        assert.equal(probed.frames.length, spec.frameCount);
        const keyframes = probed.frames.flatMap((frame, index) => (frame.keyframe ? [index] : []));
        assert.deepEqual(keyframes, Array.from({ length: Math.ceil(spec.frameCount / spec.gop) }, (_, i) => i * spec.gop));
        const bFrames = probed.frames.filter((frame) => frame.pictType === 'B').length;
        assert.equal(bFrames > 0, (spec.bFrames ?? 0) > 0, `${bFrames} B-frames`);
        const times = probed.frames.map((frame) => frame.time - probed.startTime);
        times.forEach((time, index) => assert.ok(Math.abs(time - info!.timestamps[index]) < 1e-3, `frame ${index} at ${time}, said ${info!.timestamps[index]}`));
      });

      it('stamps every frame with its index, readable as decoded, at 224 px and after a JPEG round trip', async () => {
        const { spec } = clip;
        const indices = Array.from({ length: spec.frameCount }, (_, index) => index);
        const decoded = await decodeThreeWays(spec.path, spec.width, spec.height, widthAt224(spec));
        assert.deepEqual(decoded.native.map((rgb) => readFrameStamp(rgb, spec.width, spec.height)), indices, 'as decoded');
        assert.deepEqual(decoded.small.map((rgb) => readFrameStamp(rgb, widthAt224(spec), 224)), indices, 'at 224 px');
        assert.deepEqual(decoded.jpeg.map((rgb) => readFrameStamp(rgb, widthAt224(spec), 224)), indices, 'after JPEG');
      });
    });
  }

  it('VFR: frame durations are irregular, and the timestamps it returns are the file\'s', async () => {
    const probed = await probe(vfr.path);
    assert.equal(probed.countedFrames, vfrSpec.frameCount);
    const times = probed.frames.map((frame) => frame.time - probed.startTime);
    times.forEach((time, index) => assert.ok(Math.abs(time - vfr.timestamps[index]) < 1e-3, `frame ${index} at ${time}, said ${vfr.timestamps[index]}`));
    const durations = new Set(times.slice(1).map((time, index) => Math.round((time - times[index]) * 1000)));
    assert.ok(durations.size >= 4, `durations in ms: ${[...durations].join(', ')}`);
    const stamps = (await decodeRgb(vfr.path, 192, 108)).map((rgb) => readFrameStamp(rgb, 192, 108));
    assert.deepEqual(stamps, Array.from({ length: vfrSpec.frameCount }, (_, index) => index));
  });

  it('edit list: an empty edit of 1 s, then the media from past the decode delay; ffprobe starts it at 1 s', async () => {
    const { timescale, edits } = editList(await readFile(edited.path));
    assert.equal(edits.length, 2);
    assert.equal(edits[0].mediaTime, -1, 'the first edit is empty');
    assert.equal(edits[0].duration / timescale, 1);
    assert.ok(edits[1].mediaTime > 0, `media starts at ${edits[1].mediaTime}, after the first coded frame's time`);
    const probed = await probe(edited.path);
    assert.equal(probed.startTime, 1);
    assert.equal(probed.countedFrames, editListSpec.frameCount);
    probed.frames.forEach((frame, index) => assert.ok(Math.abs(frame.time - 1 - edited.timestamps[index]) < 1e-3, `frame ${index} at ${frame.time}`));
    const stamps = (await decodeRgb(edited.path, 192, 108)).map((rgb) => readFrameStamp(rgb, 192, 108));
    assert.deepEqual(stamps, Array.from({ length: editListSpec.frameCount }, (_, index) => index));
  });

  it('refuses what the stamp cannot carry or a reader cannot trust', async () => {
    const [first, second] = await decodeRgb(clips[0].spec.path, 320, 240, 2);
    // A blend of two frames, as a frame-rate filter makes: the blocks where their bits differ turn grey.
    const blend = first.map((value, at) => (value + second[at]) >> 1);
    assert.throws(() => readFrameStamp(blend, 320, 240), /neither black nor white/);
    assert.throws(() => readFrameStamp(new Uint8Array(320 * 240 * 3), 320, 240), /guard or parity/);
    // One bit flipped (block 16 of 18, frame 0's lowest bit, turned white): the parity no longer holds.
    const flipped = Uint8Array.from(first);
    for (let y = 0; y < 40; y++) flipped.fill(255, (y * 320 + Math.ceil((16 * 320) / 18)) * 3, (y * 320 + Math.floor((17 * 320) / 18)) * 3);
    assert.throws(() => readFrameStamp(flipped, 320, 240), /guard or parity/);
    assert.throws(() => readFrameStamp(first, 320, 241), RangeError);
    assert.throws(() => stampFrameIndex(new Uint8Array(64 * 48 * 1.5), 64, 48, 65536), RangeError);
    assert.throws(() => stampFrameIndex(new Uint8Array(64 * 48 * 1.5), 63, 48, 1), RangeError);
  });

  it('refuses specs the encoders or containers cannot take, naming the file', async () => {
    const base: GeneratedVideoSpec = { path: path.join(dir, 'bad.mp4'), codec: 'h264', width: 64, height: 48, fps: 25, frameCount: 5, gop: 5 };
    // FFmpeg logs these failures too; the errors checked here say it all.
    const level = Log.getLevel();
    Log.setLevel(AV_LOG_QUIET);
    try {
      await assert.rejects(generateVideo({ ...base, width: 65 }), (error: Error) => error instanceof RangeError && error.message.includes('bad.mp4') && /even/.test(error.message));
      await assert.rejects(generateVideo({ ...base, path: path.join(dir, 'bad.webm') }), /WebM holds VP9/);
      await assert.rejects(generateVideo({ ...base, codec: 'vp9', bFrames: 2 }), /no B-frames/);
      await assert.rejects(generateVideo({ ...base, path: path.join(dir, 'bad.mkv'), editList: true }), /edit list needs an \.mp4/);
      await assert.rejects(generateVideo({ ...base, path: path.join(dir, 'bad.unknown') }), /bad\.unknown: no container/);
      await assert.rejects(generateVideo({ ...base, source: 'nosuchsource' }), /lavfi source "nosuchsource" for .*bad\.mp4: Filter not found/);
    } finally {
      Log.setLevel(level);
    }
  });

  it('exits cleanly after 20 videos in one process (native objects freed in order)', async () => {
    const generator = path.join(__dirname, '..', '..', 'samples', 'videoGenerator.js');
    const script = `
      const { generateVideo } = require(${JSON.stringify(generator)});
      (async () => {
        const kinds = [['h264', '.mp4'], ['hevc', '.mkv'], ['vp9', '.webm']];
        for (let i = 0; i < 20; i++) {
          const [codec, extension] = kinds[i % 3];
          await generateVideo({ path: ${JSON.stringify(dir)} + '/many' + i + extension, codec, width: 64, height: 48, fps: 25, frameCount: 6, gop: 3, vfr: i % 2 === 0 });
        }
      })().catch((error) => { console.error(error); process.exit(1); });`;
    await run(process.execPath, ['-e', script]);
  });

  it('writes broken files that ffprobe cannot read as video', async () => {
    const broken = await writeBrokenFiles(dir, clips[0].spec.path);
    assert.deepEqual(Object.keys(broken).sort(), ['randomBytes', 'text', 'truncated', 'zeroBytes']);
    for (const [kind, file] of Object.entries(broken)) {
      await assert.rejects(probe(file), /ffprobe exited/, `${kind} should not probe`);
    }
  });
});
