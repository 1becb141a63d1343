import * as assert from 'node:assert/strict';
import { keyframesOutput } from '../../kernel/src/display/keyframesOutput';
import { datasetSummary, DEFAULT_KEYFRAMES_PAGE_SIZE, machinesSummary, PROGRESS_ERRORS_LISTED, PROGRESS_MACHINES_LISTED } from '../../kernel/src/display/notebookOutputs';
import { progressOutput } from '../../kernel/src/display/progressOutput';
import type { ProcessingRecord, ProgressSnapshot } from '../../kernel/src/index';
import type { MachineProgress } from '../../kernel/src/processor/progressEvents';

const snapshot: ProgressSnapshot = {
  total: 1000, done: 400, processed: 100, failed: 250, skipped: 50, elapsedSeconds: 20, videosPerSecond: 20, etaSeconds: 30,
  framesPerSecond: { cpu: 320, gpu: 0 }, workers: [{ workerId: 1, pid: 10, videoId: 'a' }, { workerId: 2, pid: 11 }],
  dataset: { total_videos: 1000, processed: 500, failed: 260, skipped: 50, pending: 190, success_rate: 0.5 },
};
const machine = (host: string, pid: number, videosPerSecond: number): MachineProgress => ({ host, pid, workers: 4, done: pid * 10, videosPerSecond, framesPerSecond: { cpu: 100, gpu: 50 }, active: pid % 5 });
const errors = Array.from({ length: 250 }, (_, i) => ({ id: `v${i}`, video_path: `/data/v${i}.mp4`, error: `cannot open /data/v${i}.mp4` }));

function keyframeRecord(id: string, frames: number): ProcessingRecord {
  const result = { num_frames: frames, frames: Array.from({ length: frames }, (_, i) => ({ index: i * 10, timestamp: i * 0.4, path: `/out/keyframes/${id}/frame_${i}.jpg` })) };
  return { id, video_path: `/data/${id}.mp4`, status: 'processed', result, time: 0.1 };
}

describe('notebook output conversions', () => {
  it('progress: lists the first errors and counts the rest, names the workers\' videos', () => {
    const output = progressOutput(snapshot, { state: 'running', device: { device: 'cpu', fallbackReason: 'no CUDA device' }, errors, errorsNotListed: 7, videoPaths: new Map([['a', '/data/a.mp4']]) });
    assert.equal(output.errors.length, PROGRESS_ERRORS_LISTED);
    assert.equal(output.errorsNotListed, 250 - PROGRESS_ERRORS_LISTED + 7);
    assert.deepEqual(output.workers, [{ workerId: 1, videoId: 'a', videoPath: '/data/a.mp4' }, { workerId: 2 }]);
    assert.deepEqual([output.processed, output.failed, output.skipped, output.total, output.etaSeconds], [100, 250, 50, 1000, 30]);
    assert.deepEqual(output.dataset, snapshot.dataset);
    assert.equal(datasetSummary(output.dataset!), 'dataset: 500 processed, 260 failed, 50 skipped, 190 pending of 1000');
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(output))), JSON.stringify(output), 'plain JSON');
  });

  it('progress: a finished run has no ETA', () => {
    for (const state of ['done', 'interrupted', 'failed'] as const) {
      assert.equal(progressOutput(snapshot, { state, device: { device: 'gpu' }, errors: [] }).etaSeconds, null);
    }
  });

  it('progress: lists a queue job\'s machines by host and process, only what the display shows', () => {
    const machines = [machine('node-b', 7, 3.3333333), machine('node-a', 12, 0.5), machine('node-b', 2, 10)];
    const output = progressOutput({ ...snapshot, workers: [], machines }, { state: 'running', device: { device: 'cpu' }, errors: [] });
    assert.deepEqual(output.machines, [
      { host: 'node-a', workers: 4, done: 120, videosPerSecond: 0.5, active: 2 },
      { host: 'node-b', workers: 4, done: 20, videosPerSecond: 10, active: 2 },
      { host: 'node-b', workers: 4, done: 70, videosPerSecond: 3.33, active: 2 },
    ]);
    assert.equal(output.machinesNotListed, 0);
    assert.deepEqual(output.workers, []);
    assert.equal(machinesSummary(output.machines!.length, output.machinesNotListed!), '3 machines');
    assert.deepEqual([machinesSummary(1, 0), machinesSummary(0, 0)], ['1 machine', 'No machine heard from yet']);
    assert.deepEqual(machines.map((m) => m.host), ['node-b', 'node-a', 'node-b'], 'the snapshot is left as it was');
    const single = progressOutput(snapshot, { state: 'running', device: { device: 'cpu' }, errors: [] });
    assert.equal('machines' in single || 'machinesNotListed' in single, false, 'a run on one machine has no machine list');
  });

  it('progress: a cluster of 200 machines lists the first by host and counts the rest', () => {
    const machines = Array.from({ length: 200 }, (_, i) => machine(`host${String(199 - i).padStart(3, '0')}`, 1000 + i, 1 / 3));
    const output = progressOutput({ ...snapshot, workers: [], machines }, { state: 'running', device: { device: 'gpu' }, errors: [] });
    assert.equal(output.machines!.length, PROGRESS_MACHINES_LISTED);
    assert.equal(output.machinesNotListed, 200 - PROGRESS_MACHINES_LISTED);
    assert.deepEqual(output.machines!.slice(0, 2).map((m) => m.host), ['host000', 'host001']);
    assert.equal(machinesSummary(output.machines!.length, output.machinesNotListed!), `200 machines (first ${PROGRESS_MACHINES_LISTED} listed)`);
    const bytes = JSON.stringify(output.machines).length;
    assert.ok(bytes < 100 * PROGRESS_MACHINES_LISTED, `${bytes} bytes of machines on every update`);
    const longName = progressOutput({ ...snapshot, machines: [machine('x'.repeat(10_000), 1, 1)] }, { state: 'running', device: { device: 'cpu' }, errors: [] });
    assert.equal(longName.machines![0].host.length, 253, 'a host name is at most a DNS name long');
  });

  it('keyframes: only videos with frames, and sources made only for the carried window', () => {
    const records: ProcessingRecord[] = [
      keyframeRecord('a', 3),
      { id: 'bad', video_path: '/data/bad.mp4', status: 'failed', error: 'cannot open', time: 0 },
      { id: 'meta', video_path: '/data/meta.mp4', status: 'processed', result: { duration: 2 }, time: 0 },
      ...Array.from({ length: 30 }, (_, i) => keyframeRecord(`v${i}`, 2)),
    ];
    const converted: string[] = [];
    const output = keyframesOutput(records, (jpeg) => (converted.push(jpeg), `uri:${jpeg}`), { offset: 20, pageSize: 10 });
    assert.equal(output.totalVideos, 31);
    assert.equal(output.offset, 20);
    assert.deepEqual(output.videos.map((video) => video.id), Array.from({ length: 10 }, (_, i) => `v${i + 19}`));
    assert.equal(converted.length, 20);
    assert.deepEqual(output.videos[0].frames[1], { index: 10, timestamp: 0.4, src: 'uri:/out/keyframes/v19/frame_1.jpg' });
    assert.equal(keyframesOutput(records, String).videos.length, DEFAULT_KEYFRAMES_PAGE_SIZE, 'one default page');
  });
});
