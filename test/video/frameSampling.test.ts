import { strict as assert } from 'node:assert';
import { adaptiveIndices, uniformIndices } from '../../kernel/src/video/frameSampling';
import type { VideoMetadata } from '../../kernel/src/video/videoTypes';

const video = (duration: number, bitsPerPixel: number, fps = 25): VideoMetadata => ({
  duration, width: 640, height: 360, rotation: 0, sample_aspect_ratio: '1:1', fps, num_frames: Math.round(duration * fps), codec: 'h264', pix_fmt: 'yuv420p', num_random_access_frames: 1, bits_per_pixel: bitsPerPixel, bit_rate: 0,
});

describe('frame sampling', () => {
  it('spreads uniform indices floor(i*(F-1)/(N-1)) from first to last', () => {
    assert.deepEqual(uniformIndices(100, 4), [0, 33, 66, 99]);
    // Fewer frames than asked: the formula repeats frames, so every video gives n of them.
    assert.deepEqual(uniformIndices(3, 5), [0, 0, 1, 1, 2]);
    assert.deepEqual(uniformIndices(1, 4), [0, 0, 0, 0]);
    assert.deepEqual(uniformIndices(10, 1), [0]);
    assert.throws(() => uniformIndices(10, 0), RangeError);
  });

  it('gives longer and busier videos more frames, always within the bounds, ascending, spanning the video', () => {
    const bounds = { minFrames: 8, maxFrames: 32 };
    const counts = [video(2, 0.01), video(60, 0.01), video(60, 0.3), video(3600, 5)].map((metadata) => {
      const indices = adaptiveIndices(metadata, bounds);
      assert.ok(indices.length >= bounds.minFrames && indices.length <= bounds.maxFrames, String(indices.length));
      assert.deepEqual([...indices].sort((a, b) => a - b), indices);
      assert.equal(indices[0], 0);
      assert.equal(indices.at(-1), metadata.num_frames - 1);
      return indices.length;
    });
    assert.ok(counts[0] < counts[1] && counts[1] < counts[2] && counts[2] <= counts[3], counts.join(' '));
    // Unlike uniform sampling, the adaptive count is never more than the video has: no frame repeats.
    assert.deepEqual(adaptiveIndices(video(0.12, 0.01), bounds), [0, 1, 2]);
    assert.throws(() => adaptiveIndices(video(1, 1), { minFrames: 9, maxFrames: 8 }), RangeError);
  });
});
