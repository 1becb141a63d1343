import { strict as assert } from 'node:assert';
import { checkFpsArguments, fpsSample, fpsSampleTimes, framesAtTimes, type FrameTimeline } from '../../kernel/src/video/timeSampling';

/** 25 fps for 1 s, as pts * time base gives it (0.04 is not exact in binary). */
const cfr: FrameTimeline = { timestamps: Array.from({ length: 25 }, (_, i) => (i * 40) / 1000), duration: 1 };
/** Uneven frame lengths: 0.1, 0.5, 0.05, 0.35 s. */
const vfr: FrameTimeline = { timestamps: [0, 0.1, 0.6, 0.65], duration: 1 };

describe('time sampling', () => {
  it('samples t0 + k/fps before the end, at most maxFrames of them', () => {
    assert.deepEqual(fpsSampleTimes(cfr, 2), [0, 0.5]);
    assert.deepEqual(fpsSampleTimes(cfr, 4), [0, 0.25, 0.5, 0.75]);
    assert.equal(fpsSampleTimes(cfr, 3).length, 3, 'the end itself is no sampling time');
    assert.equal(fpsSampleTimes({ timestamps: [0, 0.4], duration: 0.8 }, 1.25).length, 1, 'a time within the tolerance of the end is the end');
    assert.equal(fpsSampleTimes(cfr, 100).length, 100);
    assert.deepEqual(fpsSampleTimes(cfr, 4, 2), [0, 0.25]);
    assert.deepEqual(fpsSampleTimes({ timestamps: [], duration: 0 }, 1), []);
    const shifted = { timestamps: [1, 1.5], duration: 1 };
    assert.deepEqual(fpsSampleTimes(shifted, 2), [1, 1.5], 't0 is the first frame\'s time');
  });

  it('maps a time to the frame whose interval [t_i, t_(i+1)) holds it, VFR included', () => {
    assert.deepEqual(framesAtTimes(vfr, [0, 0.09, 0.1, 0.59, 0.6, 0.64, 0.65, 0.99, 1]), [0, 0, 1, 1, 2, 2, 3, 3, 3]);
    // k/fps and pts * time base round differently: at 24000/1001 fps, 9/fps computes to 0.37537499999999996
    // while frame 9 starts at 9*1001/24000 = 0.375375; without the tolerance time 9/fps would show frame 8.
    const ntsc: FrameTimeline = { timestamps: Array.from({ length: 48 }, (_, i) => (i * 1001) / 24000), duration: (48 * 1001) / 24000 };
    assert.deepEqual(fpsSample(ntsc, 24000 / 1001).indices, Array.from({ length: 48 }, (_, k) => k));
    assert.deepEqual(fpsSample(vfr, 4).indices, [0, 1, 1, 3]);
    assert.deepEqual(fpsSample(cfr, 50).indices.slice(0, 6), [0, 0, 1, 1, 2, 2], 'above the video\'s rate frames repeat');
  });

  it('refuses bad arguments with messages that name them', () => {
    for (const fps of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => fpsSampleTimes(cfr, fps), { name: 'RangeError', message: `sampleFps: fps must be a finite number > 0, got ${fps}` });
    }
    for (const maxFrames of [0, 1.5, -2]) {
      assert.throws(() => checkFpsArguments(1, maxFrames), { name: 'RangeError', message: `sampleFps: maxFrames must be a whole number >= 1, got ${maxFrames}` });
    }
    assert.throws(() => framesAtTimes(vfr, [0.5, 1.01]), { name: 'RangeError', message: 'getFramesAt: time 1.01 s (position 1) lies outside the video, which spans [0, 1] s' });
    assert.throws(() => framesAtTimes(vfr, [-0.01]), /time -0\.01 s \(position 0\) lies outside/);
    assert.throws(() => framesAtTimes(vfr, [Number.NaN]), /time NaN s \(position 0\)/);
    assert.throws(() => framesAtTimes({ timestamps: [], duration: 0 }, [0]), { name: 'RangeError', message: 'getFramesAt: the video has no frames' });
  });
});
