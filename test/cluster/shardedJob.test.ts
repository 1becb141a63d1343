import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProcessingRecord } from '../../kernel/src/index';
import { comparable, journalEntries, readResults, runCli, startCli, waitFor } from '../cli/cliRun';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';

const SHARDS = 3;
/** Short, so a test stands a dead machine's lease running out. */
const LEASE_SECONDS = 2;

/** Frame files as paths inside their output folder: a one-machine run and a sharded one write the same ones. */
function framePaths(records: ProcessingRecord[], outputDir: string): string[][] {
  return records.map((record) => ((record.result as { frames?: { path?: string }[] } | undefined)?.frames ?? []).map((frame) => path.relative(outputDir, frame.path ?? '')));
}

describe('static shards: three machines, one killed and re-run on another, merged', function () {
  let data: DatasetFixture;
  let reference: { records: unknown[]; frames: string[][] };
  const processArgs = (out: string, extra: string[] = []) => [
    'process', data.csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'keyframes', '--num-frames', '4', '--size', '32',
    '--workers', '1', '--device', 'cpu', '--save-interval', '1', '--out', out, ...extra,
  ];
  const machine = (name: string) => ({ env: { ...process.env, VBK_HOST: name, VBK_LEASE_SECONDS: String(LEASE_SECONDS) } });

  before(async function () {
    data = await makeDataset({ goodVideos: 9, frameCount: 20 });
    const single = path.join(data.dir, 'single');
    const run = await runCli(processArgs(single));
    assert.equal(run.code, 0, run.stderr);
    const records = readResults(single);
    reference = { records: records.map(comparable), frames: framePaths(records, single) };
  });
  after(() => data?.cleanup());

  it('merges to what one machine makes, after a shard is killed, refused while its lease lives, and taken over once it expires', async function () {
    const out = path.join(data.dir, 'job');
    await mkdir(out);
    const shardFolder = (index: number) => path.join(out, `shard-0000${index}-of-0000${SHARDS}`);
    const checkpoint = (index: number) => path.join(shardFolder(index), 'videos.vbk-checkpoint.json');
    const victim = startCli(processArgs(out, ['--shard', `1/${SHARDS}`]), machine('machine-1'));
    const others = [0, 2].map((index) => runCli(processArgs(out, ['--shard', `${index}/${SHARDS}`]), machine(`machine-${index}`)));
    await waitFor(() => journalEntries(checkpoint(1)).length >= 1, 60_000);
    victim.child.kill('SIGKILL');
    await victim.done;
    for (const other of await Promise.all(others)) assert.equal(other.code, 0, other.stderr);

    const early = await runCli(['merge', out]);
    assert.equal(early.code, 3, early.stderr);
    assert.match(early.stderr, /shard-00001-of-00003/);
    assert.doesNotMatch(early.stderr, /shard-00000|shard-00002/);
    assert.equal(existsSync(path.join(out, 'processing_results.json')), false, 'an unfinished job leaves no merged results');

    // Machine 1 is gone, but its lease has not run out yet: another machine is refused, and told when.
    const tooSoon = await runCli(processArgs(out, ['--shard', `1/${SHARDS}`]), machine('machine-9'));
    assert.equal(tooSoon.code, 2, tooSoon.stderr);
    assert.match(tooSoon.stderr, /machine-1/);
    const before = journalEntries(checkpoint(1)).map((entry) => entry.row);

    await waitFor(() => {
      const lock = JSON.parse(readFileSync(`${checkpoint(1)}.lock`, 'utf8')) as { renewed?: string; since: string; lease_seconds?: number };
      return Date.parse(lock.renewed ?? lock.since) + (lock.lease_seconds ?? LEASE_SECONDS) * 1000 < Date.now();
    }, 30_000);
    const takeover = await runCli(processArgs(out, ['--shard', `1/${SHARDS}`]), machine('machine-9'));
    assert.equal(takeover.code, 0, takeover.stderr);
    assert.match(takeover.stderr, new RegExp(`resuming: ${before.length} already done`));
    const rows = journalEntries(checkpoint(1)).map((entry) => entry.row);
    assert.equal(new Set(rows).size, rows.length, 'no row of the killed shard was processed twice');
    assert.deepEqual(rows.slice(0, before.length), before);

    const status = JSON.parse((await runCli(['status', out, '--json'])).stdout) as { complete: boolean; parts: { state: string; host?: string }[]; dataset: { pending: number } };
    assert.equal(status.complete, true);
    assert.deepEqual(status.parts.map((part) => part.state), ['complete', 'complete', 'complete']);
    assert.equal(status.parts[1].host, 'machine-9');
    assert.equal(status.dataset.pending, 0);

    const merge = await runCli(['merge', out]);
    assert.equal(merge.code, 0, merge.stderr);
    const merged = readResults(out);
    assert.deepEqual(merged.map(comparable), reference.records);
    assert.deepEqual(framePaths(merged, out), reference.frames);
    const stats = JSON.parse(readFileSync(path.join(out, 'processing_stats.json'), 'utf8')) as { total_videos: number; dataset: { total_videos: number; processed: number } };
    assert.equal(stats.total_videos, merged.length);
    assert.equal(stats.dataset.processed, merged.filter((record) => record.status === 'processed').length);
  });
});
