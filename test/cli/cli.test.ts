import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { comparable, journalEntries, readResults, runCli, startCli, waitFor } from './cliRun';

describe('CLI', function () {
  let data: DatasetFixture;
  const common = (name: string) => [
    'process', data.csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'keyframes', '--num-frames', '5',
    '--size', '64', '--workers', '2', '--device', 'cpu', '--out', path.join(data.dir, `out-${name}`), '--checkpoint', path.join(data.dir, `${name}.json`),
  ];

  before(async () => {
    data = await makeDataset({ goodVideos: 8, frameCount: 60 });
  });
  after(() => data.cleanup());

  it('processes the dataset, prints the stats and exits 0 with failed videos among them', async () => {
    const run = await runCli(common('plain'));
    assert.equal(run.code, 0, run.stderr);
    const stats = JSON.parse(run.stdout) as Record<string, number>;
    assert.equal(stats.processed, 8);
    assert.equal(stats.failed, 2);
    assert.match(run.stderr, /failed: broken/);
    assert.match(run.stderr, /^dataset: 8 processed, 2 failed, 2 skipped, 0 pending of 12$/m);
  });

  it('exits 2 naming the existing columns when a column is missing', async () => {
    const run = await runCli(['process', data.csvPath, '--video-col', 'path']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /path/);
    assert.match(run.stderr, /video_id/);
    assert.match(run.stderr, /video_path/);
  });

  it('exits 2 for a CSV that does not exist', async () => {
    const run = await runCli(['process', path.join(data.dir, 'nope.csv'), '--video-col', 'video_path']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /nope\.csv/);
  });

  it('treats file names that look like options or shell as plain files', async () => {
    const dir = path.join(data.dir, 'hostile');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(data.dir, 'videos', 'clip0.mp4'), path.join(dir, '-i.mp4'));
    await copyFile(path.join(data.dir, 'videos', 'clip1.mp4'), path.join(dir, '$(touch pwned).mp4'));
    const csvPath = path.join(dir, 'hostile.csv');
    await writeFile(csvPath, 'video_path\n-i.mp4\n"$(touch pwned).mp4"\n');
    for (const backend of ['libav', 'ffmpeg']) {
      const out = path.join(dir, `out-${backend}`);
      const run = await runCli(['process', csvPath, '--video-col', 'video_path', '--backend', backend, '--device', 'cpu', '--out', out, '--checkpoint', path.join(dir, `${backend}.json`)], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(readResults(out).map((record) => record.status), ['processed', 'processed'], run.stderr);
    }
    assert.ok(!existsSync(path.join(dir, 'pwned')) && !existsSync('pwned'));
  });

  it('resumes after SIGKILL at several points with the same results as an uninterrupted run', async () => {
    const reference = await runCli(common('reference'));
    assert.equal(reference.code, 0, reference.stderr);
    const expected = readResults(path.join(data.dir, 'out-reference')).map(comparable);
    for (const killAfter of [1, 4, 7]) {
      const name = `killed-${killAfter}`;
      const checkpointPath = path.join(data.dir, `${name}.json`);
      const { child, done } = startCli(common(name));
      await waitFor(() => journalEntries(checkpointPath).length >= killAfter, 60_000);
      child.kill('SIGKILL');
      const killed = await done;
      assert.equal(killed.signal, 'SIGKILL');
      const resumed = await runCli(common(name));
      assert.equal(resumed.code, 0, resumed.stderr);
      const stats = JSON.parse(resumed.stdout) as Record<string, number>;
      assert.ok(stats.skipped >= killAfter, `resume skipped what was done (${stats.skipped})`);
      const results = readResults(path.join(data.dir, `out-${name}`));
      assert.deepEqual(results.map(comparable), expected, `killed after ${killAfter}`);
    }
  });

  it('exits 130 on SIGINT with a checkpoint the same command resumes', async () => {
    const checkpointPath = path.join(data.dir, 'interrupted.json');
    const { child, done } = startCli(common('interrupted'));
    await waitFor(() => journalEntries(checkpointPath).length >= 1, 60_000);
    child.kill('SIGINT');
    const interrupted = await done;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.match(interrupted.stderr, /resume/);
    const resumed = await runCli(common('interrupted'));
    assert.equal(resumed.code, 0);
    assert.match(resumed.stderr, /^dataset: 8 processed, 2 failed, 2 skipped, 0 pending of 12$/m, 'the resume reports the whole dataset');
    assert.equal(readResults(path.join(data.dir, 'out-interrupted')).length, 12);
  });
});
