import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { openFfmpegSource } from '../../kernel/src/decode/ffmpegCli/ffmpegVideoSource';
import { probePackets } from '../../kernel/src/decode/ffmpegCli/ffprobeIndex';
import { readPacketSummary } from '../../kernel/src/decode/libav/videoStream';
import { frameTimestamps } from '../../kernel/src/decode/videoDescription';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { errorText } from '../../kernel/src/errorText';
import { generateVideo } from '../../samples/videoGenerator';
import { readFrameStamp } from '../../samples/frameStamp';
import { writeOddFiles, type OddFiles } from './oddFiles';

const ffmpegOptions: SourceOptions = { settings: { ...new DecoderConfig({ backend: 'ffmpeg' }).toSettings(), device: 'cpu' }, gpuId: 0 };

describe('the ffmpeg backend: its ffprobe index and its shortfalls', function () {
  let dir: string;
  let files: OddFiles;
  let stretched: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-ffprobe-index-'));
    files = await writeOddFiles(dir);
    stretched = path.join(dir, 'b-frames.mp4');
    await generateVideo({ path: stretched, codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 60, gop: 12, bFrames: 3, editList: true });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('ffprobe indexes the same stream, frames, times and keyframes as libavformat in process', async () => {
    for (const file of [...files.dv, files.twoStreams, files.videoWithCover, files.oneFrame, stretched]) {
      const inProcess = readPacketSummary(file);
      const probed = await probePackets('ffprobe', file, 30);
      const name = path.basename(file);
      assert.equal(probed.streamIndex, inProcess.streamIndex, name);
      // The time bases may differ (raw DV: 1001/30000 in Debian's FFmpeg 5.1), the times may not.
      const [probedTimes, inProcessTimes] = [frameTimestamps(probed.summary), frameTimestamps(inProcess.summary)];
      assert.equal(probedTimes.length, inProcessTimes.length, name);
      probedTimes.forEach((time, index) => assert.ok(Math.abs(time - inProcessTimes[index]) < 1e-9, `${name} frame ${index}: ${time} vs ${inProcessTimes[index]}`));
      assert.deepEqual(probed.summary.keyframes, inProcess.summary.keyframes, name);
      assert.deepEqual([probed.summary.width, probed.summary.height, probed.summary.codec], [inProcess.summary.width, inProcess.summary.height, inProcess.summary.codec], name);
    }
  });

  it('ffprobe, like the in-process index, finds no video in an MP3 with cover art', async () => {
    const expected = `no video stream in ${files.songWithCover} (only audio and an attached picture / cover art)`;
    assert.throws(() => readPacketSummary(files.songWithCover), (error: Error) => error.message === expected);
    await assert.rejects(probePackets('ffprobe', files.songWithCover, 30), (error: Error) => error.message === expected);
  });

  it('one request for 300 frames: one ffmpeg run picks them all (the select expression stays within what FFmpeg parses)', async () => {
    const file = path.join(dir, 'three-hundred.mp4');
    await generateVideo({ path: file, codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 300, gop: 300 });
    const indices = Array.from({ length: 300 }, (_, index) => 299 - index);
    const frames = await (await openFfmpegSource(file, ffmpegOptions, 'cpu')).frames(indices, { size: 32 });
    assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), indices);
  });

  for (const request of ['JPEG files', 'raw pixels'] as const) {
    it(`frames missing from a file cut short after indexing (${request}): the error names the video and the frames`, async () => {
      const file = path.join(dir, `cut-${request.replace(' ', '-')}.ts`);
      await generateVideo({ path: file, codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 40, gop: 10 });
      const source = await openFfmpegSource(file, ffmpegOptions, 'cpu');
      await truncate(file, Math.floor((await stat(file)).size / 2));
      const jpegDir = path.join(dir, `jpegs-${request.replace(' ', '-')}`);
      const asked = request === 'JPEG files' ? source.frames([0, 5, 38, 39], { size: 32, pixels: false, jpegDir }) : source.frames([0, 5, 38, 39], { size: 32 });
      const message = await asked.then(
        () => assert.fail('frames past the cut were delivered'),
        (error: unknown) => errorText(error),
      );
      assert.doesNotMatch(message, /ENOENT|rename/);
      assert.ok(message.startsWith(`decoding ${file}: ffmpeg gave `), message);
      const missing = /frames ([\d, ]+) of its 40 are missing/.exec(message)?.[1].split(', ').map(Number);
      assert.ok(missing?.includes(38) && missing.includes(39) && !missing.includes(0) && !missing.includes(5), message);
      if (existsSync(jpegDir)) assert.deepEqual(readdirSync(jpegDir), [], 'no JPEG of a failed request is left behind');
    });
  }
});
