import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatContext, Packet } from 'node-av/lib';
import { AV_PKT_FLAG_KEY, AVSEEK_FLAG_BACKWARD } from 'node-av/constants';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { LibavVideoSource, openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo } from '../../samples/videoGenerator';
import { writeBrokenFiles } from '../../samples/brokenFiles';
import { describeFrameAccuracy } from './frameAccuracySuite';
import { decodeAllFrames } from '../../samples/referenceDecode';

const cpuOptions: SourceOptions = { settings: { ...new DecoderConfig().toSettings(), device: 'cpu' }, gpuId: 0 };
/** Frame threading: the decoder takes packets ahead of its output, skipping settings included. */
const threadedOptions: SourceOptions = { settings: { ...new DecoderConfig({ threads: 2 }).toSettings(), device: 'cpu' }, gpuId: 0 };

// The in-process backend scales with the same swscale call as the reference: pixels match exactly.
describeFrameAccuracy('libav (in process)', (file) => openLibavSource(file, cpuOptions, 'cpu'), 0);
describeFrameAccuracy('libav (in process), 2 frame threads', (file) => openLibavSource(file, threadedOptions, 'cpu'), 0);
// Past the limit of packets kept from the index pass, packets come from the demuxer again, which seeks.
describeFrameAccuracy('libav (in process), every packet read through the demuxer', async (file) => LibavVideoSource.open(file, cpuOptions, 'cpu', { bytes: 0, packets: 0 }), 0);
describeFrameAccuracy('libav (in process), demuxer, 2 frame threads', async (file) => LibavVideoSource.open(file, threadedOptions, 'cpu', { bytes: 0, packets: 0 }), 0);

/** A WAV file: a container FFmpeg opens without complaint, holding no video. */
async function writeAudioOnly(file: string): Promise<void> {
  const samples = Buffer.alloc(8000 * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.length, 40);
  await writeFile(file, Buffer.concat([header, samples]));
}

/** A copy of the mp4 `good` whose coded frames after the first third are overwritten with noise; its index (moov, at the end) stays intact. */
async function writeDamaged(good: string, file: string): Promise<string> {
  const bytes = Buffer.from(await readFile(good));
  const frames = bytes.indexOf('mdat');
  const index = bytes.indexOf('moov', frames);
  assert.ok(frames > 0 && index > frames, 'an mp4 with its moov after the mdat');
  for (let at = frames + Math.floor((index - frames) / 3); at < index - 8; at++) bytes[at] = (at * 7) & 255;
  await writeFile(file, bytes);
  return file;
}

/**
 * A stream copy of the mp4 `source` from `startSeconds` on, as `ffmpeg -ss T -i source -c copy` makes
 * it: packets from the keyframe before T, shifted so that T is 0. The frames before T get negative
 * times, and the muxer hides them behind an edit list: their packets are read back flagged discard.
 */
async function writeTrimmedCopy(source: string, target: string, startSeconds: number): Promise<void> {
  const input = new FormatContext();
  const output = new FormatContext();
  const packet = new Packet();
  packet.alloc();
  let outputOpen = false;
  try {
    assert.ok((await input.openInput(source, null, null)) >= 0);
    await input.findStreamInfo(null);
    const from = input.streams[0];
    const start = BigInt(Math.round((startSeconds * from.timeBase.den) / from.timeBase.num));
    const packets: { pts: bigint; key: boolean }[] = [];
    while (input.readFrameSync(packet) >= 0) {
      packets.push({ pts: packet.pts, key: (packet.flags & AV_PKT_FLAG_KEY) !== 0 });
      packet.unref();
    }
    const keyframePts = packets.filter((entry) => entry.key && entry.pts <= start).map((entry) => entry.pts);
    const firstKeyframe = keyframePts[keyframePts.length - 1];
    assert.ok((await input.seekFrame(0, firstKeyframe, AVSEEK_FLAG_BACKWARD)) >= 0);
    assert.ok(output.allocOutputContext2(null, null, target) >= 0);
    const to = output.newStream(null);
    assert.ok(from.codecpar.copy(to.codecpar) >= 0);
    to.codecpar.codecTag = 0;
    to.timeBase = from.timeBase;
    assert.ok((await output.openOutput()) >= 0);
    outputOpen = true;
    assert.ok((await output.writeHeader(null)) >= 0);
    while (input.readFrameSync(packet) >= 0) {
      packet.pts -= start;
      packet.dts -= start;
      packet.rescaleTs(from.timeBase, to.timeBase);
      assert.ok((await output.interleavedWriteFrame(packet)) >= 0);
    }
    assert.ok((await output.writeTrailer()) >= 0);
  } finally {
    if (outputOpen) await output.closeOutput();
    output.freeContext();
    await input.closeInput();
    packet.free();
  }
}

/** The stamps of the frames at `indices`, asked in one call. */
async function stampsOf(source: LibavVideoSource, indices: number[]): Promise<number[]> {
  const frames = await source.frames(indices, { size: 48 });
  return frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height));
}

describe('libav backend', function () {
  let dir: string;
  let video: string;
  /** Keyframes at 0, 30, 60; only I- and P-frames, every one a reference. */
  let referencesOnly: string;
  /** Keyframes at 0, 30, 60; runs of 3 B-frames, the outer two of each run referenced by nothing. */
  let withBFrames: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-libav-'));
    video = path.join(dir, 'clip.mp4');
    referencesOnly = path.join(dir, 'ip.mp4');
    withBFrames = path.join(dir, 'ipb.mp4');
    await generateVideo({ path: video, codec: 'h264', width: 320, height: 180, fps: 30, frameCount: 60, gop: 30, bFrames: 2 });
    await generateVideo({ path: referencesOnly, codec: 'h264', width: 160, height: 96, fps: 25, frameCount: 90, gop: 30, bFrames: 0 });
    await generateVideo({ path: withBFrames, codec: 'h264', width: 160, height: 96, fps: 25, frameCount: 90, gop: 30, bFrames: 3 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads metadata from the packet index', async () => {
    const source = await openLibavSource(video, cpuOptions, 'cpu');
    const metadata = await source.metadata();
    await source.close();
    assert.equal(metadata.num_frames, 60);
    assert.equal(metadata.num_random_access_frames, 2);
    assert.equal(metadata.codec, 'h264');
    assert.equal(metadata.pix_fmt, 'yuv420p');
    assert.ok(Math.abs(metadata.duration - 2) < 1e-6, String(metadata.duration));
    assert.ok(Math.abs(metadata.fps - 30) < 1e-6);
    assert.ok(metadata.bits_per_pixel > 0);
  });

  it('decodes each needed keyframe-to-target stretch once, whatever the order asked', async () => {
    const source = LibavVideoSource.open(referencesOnly, cpuOptions, 'cpu');
    try {
      assert.deepEqual(await stampsOf(source, [25, 5, 15, 5]), [25, 5, 15, 5]);
      assert.equal(source.decodedFrameCount, 26, 'frames 0..25, once');
      assert.deepEqual(await stampsOf(source, [35]), [35]);
      assert.equal(source.decodedFrameCount, 26 + 6, 'a keyframe (30) lay between: seek, then 30..35');
      assert.deepEqual(await stampsOf(source, [40]), [40]);
      assert.equal(source.decodedFrameCount, 32 + 5, 'no keyframe between: decode on, 36..40');
      assert.deepEqual(await stampsOf(source, [2]), [2]);
      assert.equal(source.decodedFrameCount, 37 + 3, 'behind the decoder: seek back, 0..2');
    } finally {
      await source.close();
    }
  });

  it('drains the decoder at the end of a run that a seek follows, rather than decode the frames past it', async () => {
    for (const keep of [undefined, { bytes: 0, packets: 0 }]) {
      const together = LibavVideoSource.open(withBFrames, cpuOptions, 'cpu', keep);
      const apart = LibavVideoSource.open(withBFrames, cpuOptions, 'cpu', keep);
      try {
        assert.deepEqual(await stampsOf(together, [8, 40]), [8, 40]);
        assert.deepEqual([...(await stampsOf(apart, [8])), ...(await stampsOf(apart, [40]))], [8, 40]);
        // Alone, frame 8 is the end of its request: the decoder takes packets past it until it puts it out (x264's fixed B-frame runs here: 5 more).
        assert.ok(together.sentPacketCount < apart.sentPacketCount, `${together.sentPacketCount} packets sent, against ${apart.sentPacketCount} in two requests`);
      } finally {
        await together.close();
        await apart.close();
      }
    }
  });

  it('does not decode non-reference frames that are not asked for', async () => {
    for (const options of [cpuOptions, threadedOptions]) {
      const source = LibavVideoSource.open(withBFrames, options, 'cpu');
      try {
        assert.deepEqual(await stampsOf(source, [29]), [29]);
        assert.ok(source.decodedFrameCount < 25, `${source.decodedFrameCount} of the 30 frames up to 29 decoded`);
      } finally {
        await source.close();
      }
    }
  });

  it('gives, call after call, frames that an earlier call let the decoder skip', async () => {
    for (const options of [cpuOptions, threadedOptions]) {
      const source = LibavVideoSource.open(withBFrames, options, 'cpu');
      try {
        for (let frame = 0; frame < 40; frame++) assert.deepEqual(await stampsOf(source, [frame]), [frame]);
        assert.deepEqual(await stampsOf(source, [61, 60, 62]), [61, 60, 62]);
      } finally {
        await source.close();
      }
    }
  });

  it('indexes AVI by decoding time, and AVI with B-frames, whose frames carry no presentation time, in the order they are decoded', async () => {
    const plain = path.join(dir, 'plain.avi');
    const reordered = path.join(dir, 'reordered.avi');
    await generateVideo({ path: plain, codec: 'h264', width: 160, height: 96, fps: 25, frameCount: 60, gop: 20, bFrames: 0 });
    await generateVideo({ path: reordered, codec: 'h264', width: 160, height: 96, fps: 25, frameCount: 60, gop: 20, bFrames: 2 });
    const source = LibavVideoSource.open(plain, cpuOptions, 'cpu');
    try {
      assert.equal((await source.metadata()).num_frames, 60);
      assert.deepEqual(await stampsOf(source, [45, 3, 59, 20]), [45, 3, 59, 20]);
    } finally {
      await source.close();
    }
    const fileOrder = LibavVideoSource.open(reordered, cpuOptions, 'cpu');
    try {
      assert.equal((await fileOrder.metadata()).num_frames, 60);
      assert.deepEqual(await stampsOf(fileOrder, [45, 3, 59, 20, 21]), [45, 3, 59, 20, 21]);
    } finally {
      await fileOrder.close();
    }
  });

  it('counts and finds the frames of a stream copy cut between keyframes, whose edit list hides the frames before the cut', async () => {
    const trimmed = path.join(dir, 'trimmed.mp4');
    // 1.3 s into a 25 fps video with keyframes every 30 frames: frames 30..32 are decoded for reference but hidden.
    await writeTrimmedCopy(withBFrames, trimmed, 1.3);
    const source = LibavVideoSource.open(trimmed, cpuOptions, 'cpu');
    try {
      const metadata = await source.metadata();
      assert.equal(metadata.num_frames, 90 - 33);
      assert.ok(Math.abs(metadata.duration - 57 / 25) < 1e-3, String(metadata.duration));
      const indices = [0, 56, 1, 27, 26, 28, 0];
      const frames = await source.frames(indices, { size: 48 });
      assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), indices.map((index) => index + 33));
      assert.deepEqual(frames.map((frame) => Math.round(frame.timestamp * 25)), indices);
      const reference = await decodeAllFrames(trimmed, frames[0].width, frames[0].height);
      assert.equal(reference.length, 57);
      for (const frame of frames) assert.deepEqual(frame.data, reference[frame.index], `pixels of frame ${frame.index}`);
    } finally {
      await source.close();
    }
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
    const audioOnly = path.join(dir, 'audio.m4a');
    await writeAudioOnly(audioOnly);
    const expectations: [string, RegExp][] = [
      [broken.zeroBytes, /cannot open .*zero\.mp4: (Invalid data|End of file)/],
      [broken.truncated, /cannot open .*truncated\.mp4: Invalid data/],
      [broken.randomBytes, /cannot open .*random\.mp4: Invalid data/],
      [broken.text, /cannot open .*text\.mp4: Invalid data/],
      [path.join(dir, 'missing.mp4'), /cannot open .*missing\.mp4: No such file/],
      [audioOnly, /no video stream in .*audio\.m4a \(only audio\)$/],
      [await writeDamaged(video, path.join(dir, 'damaged.mp4')), /cannot decode frame 30 of .*damaged\.mp4: the decoder rejected a packet: Invalid data/],
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
