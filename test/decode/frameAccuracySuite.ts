import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateVideo, type GeneratedVideoInfo, type GeneratedVideoSpec } from '../../samples/videoGenerator';
import { readFrameStamp } from '../../samples/frameStamp';
import { uniformIndices } from '../../kernel/src/video/frameSampling';
import { outputSize } from '../../kernel/src/video/outputSize';
import type { VideoSource } from '../../kernel/src/video/videoTypes';
import { decodeAllFrames, meanAbsoluteDifference } from '../../samples/referenceDecode';

type Case = Omit<GeneratedVideoSpec, 'path' | 'fps' | 'width' | 'height'> & { name: string; file: string };

/** The kinds of file frame-exact extraction gets wrong most easily. */
const CASES: Case[] = [
  { name: 'H.264, long GOP (250)', file: 'long-gop.mp4', codec: 'h264', frameCount: 300, gop: 250, bFrames: 0 },
  { name: 'H.264, short GOP (30), B-frames', file: 'short-gop-b.mp4', codec: 'h264', frameCount: 120, gop: 30, bFrames: 3 },
  { name: 'HEVC, B-frames', file: 'hevc.mp4', codec: 'hevc', frameCount: 90, gop: 30, bFrames: 2 },
  { name: 'VP9', file: 'vp9.webm', codec: 'vp9', frameCount: 90, gop: 40 },
  { name: 'VFR (Matroska)', file: 'vfr.mkv', codec: 'h264', frameCount: 90, gop: 25, bFrames: 2, vfr: true },
  { name: 'mp4 with an edit list', file: 'edit-list.mp4', codec: 'h264', frameCount: 90, gop: 30, bFrames: 2, editList: true },
  // MPEG-TS seeks by decoding time: with B-frames a keyframe's dts lies before its pts.
  { name: 'MPEG-TS, B-frames', file: 'b-frames.ts', codec: 'h264', frameCount: 90, gop: 30, bFrames: 3 },
];

/** A fixed pseudo-random sequence, so the "random" order is the same on every run. */
export function seededIndices(count: number, howMany: number, seed: number): number[] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: howMany }, () => Math.floor(next() * count));
}

/**
 * Checks a backend's frames against the truth: each generated frame carries its own index, the
 * generator knows every timestamp, and a front-to-back decode gives the pixels. `pixelTolerance` is
 * the mean absolute difference allowed (0 for the in-process backend, whose scaler is the reference's).
 */
export function describeFrameAccuracy(backendName: string, open: (file: string) => Promise<VideoSource>, pixelTolerance: number): void {
  describe(`frame accuracy: ${backendName}`, function () {
    let dir: string;
    const generated = new Map<string, GeneratedVideoInfo>();

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-accuracy-'));
      for (const testCase of CASES) {
        generated.set(testCase.file, await generateVideo({ ...testCase, path: path.join(dir, testCase.file), width: 192, height: 108, fps: 25 }));
      }
    });
    after(() => rm(dir, { recursive: true, force: true }));

    for (const testCase of CASES) {
      it(`${testCase.name}: uniform and random-order indices give the exact frames`, async () => {
        const info = generated.get(testCase.file)!;
        const source = await open(info.path);
        try {
          const metadata = await source.metadata();
          assert.equal(metadata.num_frames, testCase.frameCount);
          assert.equal(metadata.width, 192);
          assert.equal(metadata.height, 108);
          const size = outputSize(192, 108, 64);
          const reference = await decodeAllFrames(info.path, size.width, size.height);
          assert.equal(reference.length, testCase.frameCount);
          const uniform = uniformIndices(metadata.num_frames, 16);
          const shuffled = seededIndices(metadata.num_frames, 12, testCase.frameCount);
          for (const indices of [uniform, [...shuffled, shuffled[0], shuffled[3]]]) {
            const frames = await source.frames(indices, { size: 64 });
            assert.deepEqual(frames.map((frame) => frame.index), indices);
            for (const frame of frames) {
              assert.equal(frame.width, size.width);
              assert.equal(readFrameStamp(frame.data!, frame.width, frame.height), frame.index, `stamp of frame ${frame.index}`);
              assert.ok(Math.abs(frame.timestamp - info.timestamps[frame.index]) < 1e-3, `timestamp of frame ${frame.index}: ${frame.timestamp} vs ${info.timestamps[frame.index]}`);
              const difference = meanAbsoluteDifference(frame.data!, reference[frame.index]);
              assert.ok(difference <= pixelTolerance, `pixels of frame ${frame.index} differ by ${difference.toFixed(2)} on average`);
            }
          }
        } finally {
          await source.close();
        }
      });
    }

    it('rejects an index outside the video with a RangeError naming the range', async () => {
      const source = await open(generated.get('hevc.mp4')!.path);
      try {
        await assert.rejects(source.frames([0, 90]), (error: Error) => error instanceof RangeError && /0\.\.89/.test(error.message));
      } finally {
        await source.close();
      }
    });
  });
}
