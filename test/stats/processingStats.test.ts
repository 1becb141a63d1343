import { strict as assert } from 'node:assert';
import { MAX_LISTED_ERRORS, ProcessingStats } from '../../kernel/src/stats/processingStats';

describe('ProcessingStats', () => {
  it('gives the statistics dict of a run of 100: 90 processed, 5 failed, 5 skipped, 120.5 s', () => {
    const stats = new ProcessingStats({ totalVideos: 100, processed: 90, failed: 5, skipped: 5, totalTime: 120.5 });
    const dict = stats.toDict();
    assert.deepEqual(Object.keys(dict).slice(0, 8), ['total_videos', 'processed', 'failed', 'skipped', 'success_rate', 'total_time', 'avg_time_per_video', 'errors']);
    assert.equal(dict.success_rate, 0.9);
    assert.equal(dict.total_time, 120.5);
    assert.equal(dict.avg_time_per_video.toFixed(2), '1.34', 'total_time / processed');
    assert.deepEqual(dict.errors, []);
    assert.equal(dict.errors_not_listed, 0);
  });

  it('lists the first errors and counts the rest', () => {
    const errors = Array.from({ length: MAX_LISTED_ERRORS + 5 }, (_, i) => ({ id: String(i), video_path: `${i}.mp4`, error: 'x' }));
    const dict = new ProcessingStats({ totalVideos: errors.length, failed: errors.length, errors }).toDict();
    assert.equal(dict.errors.length, MAX_LISTED_ERRORS);
    assert.equal(dict.errors_not_listed, 5);
    const added = new ProcessingStats();
    for (const error of errors) added.addError(error);
    assert.equal(added.errors.length, MAX_LISTED_ERRORS, 'addError keeps memory bounded');
    assert.deepEqual(added.toDict(), { ...dict, total_videos: 0, failed: 0 });
  });
});
