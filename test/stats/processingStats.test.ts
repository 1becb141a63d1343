import { strict as assert } from 'node:assert';
import { RowOutcomes } from '../../kernel/src/checkpoint/rowOutcomes';
import { ALL_ROWS, SelectedRows } from '../../kernel/src/csv/rowSelection';
import { noFailures } from '../../kernel/src/stats/failureKinds';
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
    assert.deepEqual(dict.errors_by_kind, noFailures());
  });

  it('gives each listed error its kind and counts every failure by kind, the unlisted too', () => {
    const stats = new ProcessingStats();
    for (let i = 0; i < MAX_LISTED_ERRORS; i++) stats.addError({ id: `m${i}`, video_path: `/v/m${i}.mp4`, error: `file not found: /v/m${i}.mp4` });
    stats.addError({ id: 't', video_path: '/v/t.mp4', error: 'timed out after 30 s decoding /v/t.mp4' });
    stats.addError({ id: 'x', video_path: '/v/x.mp4', error: 'processing function threw: boom' });
    const dict = stats.toDict();
    assert.deepEqual(dict.errors[0], { id: 'm0', video_path: '/v/m0.mp4', error: 'file not found: /v/m0.mp4', kind: 'missing_file' });
    assert.equal(dict.errors_not_listed, 2);
    assert.deepEqual(dict.errors_by_kind, { ...noFailures(), missing_file: MAX_LISTED_ERRORS, timeout: 1, other: 1 });
  });

  it("counts a dataset's failed rows by the kind of their latest outcome", () => {
    const outcomes = new RowOutcomes(new SelectedRows(ALL_ROWS, 4));
    outcomes.set(1, { status: 'failed', error: 'file not found: /v/1.mp4' }, 0, 10);
    outcomes.set(2, { status: 'failed', error: 'decoding worker was killed (SIGKILL)' }, 10, 10);
    outcomes.set(3, { status: 'processed' }, 20, 10);
    assert.deepEqual(outcomes.failureKindCounts(), { ...noFailures(), missing_file: 1, worker_crash: 1 });
    outcomes.set(1, { status: 'processed' }, 30, 10);
    outcomes.set(2, { status: 'failed', error: 'timed out after 5 s' }, 40, 10);
    assert.deepEqual(outcomes.failureKindCounts(), { ...noFailures(), timeout: 1 }, 'a retried row counts once, by its latest error');
    assert.deepEqual([outcomes.statusOf(1), outcomes.statusOf(2), outcomes.countOf('failed')], ['processed', 'failed', 1]);
    assert.deepEqual([...outcomes.spansInRowOrder('failed')].map((span) => span.row), [2], 'the kind bits leave the status filter alone');
    outcomes.move(2, 0, 10);
    assert.deepEqual(outcomes.failureKindCounts(), { ...noFailures(), timeout: 1 }, 'moving a record keeps its kind');
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
