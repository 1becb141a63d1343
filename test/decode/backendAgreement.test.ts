import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractKeyframes } from '../../kernel/src/builtins/extractKeyframes';
import { DecoderConfig, type BackendChoice } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { openLibavSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { OpenedVideoSource, SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { chooseVideoStream, type StreamFacts } from '../../kernel/src/decode/videoStreamChoice';
import { VideoLoader } from '../../kernel/src/video/videoLoader';
import { readFrameStamp } from '../../samples/frameStamp';
import { meanAbsoluteDifference } from '../../samples/referenceDecode';
import { debianFrames, DV_FRAMES, writeOddFiles, type OddFiles } from './oddFiles';

const BACKENDS: Record<BackendChoice, (file: string, options: SourceOptions) => Promise<OpenedVideoSource>> = {
  libav: (file, options) => openLibavSource(file, options, 'cpu'),
  ffmpeg: (file, options) => openFfmpegSource(file, options, 'cpu'),
};
const BACKEND_NAMES = ['libav', 'ffmpeg'] as const;

/** Each backend, with a log that must stay empty where the ffmpeg backend should not fall back to a full pass. */
async function openBoth(file: string, log: string[] = []): Promise<Record<BackendChoice, OpenedVideoSource>> {
  const open = (backend: BackendChoice) =>
    BACKENDS[backend](file, { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0, log: (line) => log.push(line) });
  return { libav: await open('libav'), ffmpeg: await open('ffmpeg') };
}

async function closeBoth(sources: Record<BackendChoice, OpenedVideoSource>): Promise<void> {
  await Promise.all(BACKEND_NAMES.map((backend) => sources[backend].close()));
}

/** Both backends: the same metadata and frame times. */
async function assertSameIndex(sources: Record<BackendChoice, OpenedVideoSource>): Promise<void> {
  assert.deepEqual(await sources.ffmpeg.metadata(), await sources.libav.metadata());
  const [libavTimes, ffmpegTimes] = await Promise.all([sources.libav.frameTimestamps(), sources.ffmpeg.frameTimestamps()]);
  assert.equal(ffmpegTimes.length, libavTimes.length);
  ffmpegTimes.forEach((time, index) => assert.ok(Math.abs(time - libavTimes[index]) < 1e-9, `frame ${index}: ${time} vs ${libavTimes[index]}`));
}

describe('the two backends agree on ordinary odd files', function () {
  let dir: string;
  let files: OddFiles;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-agreement-'));
    files = await writeOddFiles(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const [container, position] of [['raw DV', 0], ['DV in AVI', 1], ['DV in QuickTime', 2]] as const) {
    it(`${container}: the same 60 frames, each Debian ffmpeg's own frame, seeking or reading from the start`, async () => {
      const file = files.dv[position];
      const log: string[] = [];
      const sources = await openBoth(file, log);
      try {
        await assertSameIndex(sources);
        assert.equal((await sources.libav.metadata()).num_frames, DV_FRAMES);
        // Raw DV states 8:9 pixels, AVI and QuickTime none: the displayed size differs, the frames do not.
        const { width, height } = (await sources.libav.frames([0], { size: 64 }))[0];
        const reference = await debianFrames(file, 0, width, height);
        assert.equal(reference.length, DV_FRAMES);
        // Far apart (read in stretches through the concat demuxer), then close together (read from the start).
        for (const indices of [[59, 0, 30, 31, 45, 2], [0, 1, 2, 3]]) {
          for (const backend of BACKEND_NAMES) {
            const frames = await sources[backend].frames(indices, { size: 64 });
            assert.deepEqual(frames.map((frame) => [frame.index, frame.width, frame.height]), indices.map((index) => [index, width, height]), backend);
            for (const frame of frames) {
              const differences = reference.map((picture) => meanAbsoluteDifference(frame.data!, picture));
              const nearest = differences.indexOf(Math.min(...differences));
              assert.equal(nearest, frame.index, `${backend}: frame ${frame.index} looks like Debian's frame ${nearest}`);
              assert.ok(differences[frame.index] < 3, `${backend}: frame ${frame.index} differs by ${differences[frame.index].toFixed(2)}`);
            }
          }
        }
        assert.deepEqual(log, []);
      } finally {
        await closeBoth(sources);
      }
    });
  }

  it('two video streams, the second marked default: both backends index and decode the second', async () => {
    const sources = await openBoth(files.twoStreams);
    try {
      await assertSameIndex(sources);
      const metadata = await sources.libav.metadata();
      assert.deepEqual([metadata.width, metadata.height, metadata.num_frames], [64, 48, 30]);
      const indices = [29, 0, 15, 3];
      for (const backend of BACKEND_NAMES) {
        const frames = await sources[backend].frames(indices);
        assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), indices, backend);
      }
    } finally {
      await closeBoth(sources);
    }
  });

  it('a video with a cover picture: both backends take the video, never the cover', async () => {
    const sources = await openBoth(files.videoWithCover);
    try {
      await assertSameIndex(sources);
      const metadata = await sources.ffmpeg.metadata();
      assert.deepEqual([metadata.width, metadata.height, metadata.num_frames], [96, 64, 20]);
      for (const backend of BACKEND_NAMES) {
        const frames = await sources[backend].frames([19, 4]);
        assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), [19, 4], backend);
      }
    } finally {
      await closeBoth(sources);
    }
  });

  it('an MP3 with cover art fails on both backends as having no video stream', async () => {
    for (const backend of BACKEND_NAMES) {
      await assert.rejects(
        BACKENDS[backend](files.songWithCover, { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 }),
        (error: Error) => error.message === `no video stream in ${files.songWithCover} (only audio and an attached picture / cover art)`,
      );
    }
  });

  it('a 1-frame video asked for 16 keyframes gives 16, all frame 0, on both backends (the README formula)', async () => {
    const records = [];
    for (const backend of BACKEND_NAMES) {
      const open = () => BACKENDS[backend](files.oneFrame, { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu' }, gpuId: 0 });
      const { record, jpegs } = await extractKeyframes(new VideoLoader({ videoId: 'one', videoPath: files.oneFrame }, open), { numFrames: 16, size: 64, jpegOutput: 'bytes' });
      assert.equal(record.num_frames, 16);
      assert.deepEqual(record.indices, new Array(16).fill(0));
      assert.deepEqual(record.timestamps, new Array(16).fill(0));
      assert.equal(jpegs.length, 16);
      records.push(record);
    }
    assert.deepEqual(records[1], records[0]);
  });
});

describe('choosing the video stream', () => {
  const stream = (index: number, facts: Partial<StreamFacts>): StreamFacts => ({ index, kind: 'video', attachedPicture: false, isDefault: false, bitRate: 0, ...facts });

  it('prefers the default stream, then the higher bit rate, then the lower index; never an attached picture', () => {
    assert.equal(chooseVideoStream([stream(0, { attachedPicture: true, isDefault: true }), stream(1, {})], 'a.mkv'), 1);
    assert.equal(chooseVideoStream([stream(0, { bitRate: 900 }), stream(1, { isDefault: true, bitRate: 100 })], 'a.mp4'), 1);
    assert.equal(chooseVideoStream([stream(0, { bitRate: 100 }), stream(1, { bitRate: 900 })], 'a.mp4'), 1);
    assert.equal(chooseVideoStream([stream(0, { kind: 'audio' }), stream(1, {}), stream(2, {})], 'a.mp4'), 1);
  });

  it('says what a file without a video stream holds instead', () => {
    assert.throws(() => chooseVideoStream([stream(0, { kind: 'audio' }), stream(1, { attachedPicture: true })], 's.mp3'), /^Error: no video stream in s\.mp3 \(only audio and an attached picture \/ cover art\)$/);
    assert.throws(() => chooseVideoStream([stream(0, { kind: 'audio' })], 's.wav'), /^Error: no video stream in s\.wav \(only audio\)$/);
    assert.throws(() => chooseVideoStream([], 'e.mkv'), /^Error: no video stream in e\.mkv$/);
  });
});
