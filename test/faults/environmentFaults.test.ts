import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { appendFile, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { comparable, journalEntries, readResults, runCli, startCli, waitFor } from '../cli/cliRun';
import { isRunning } from './processTree';

/** Mounts a tmpfs of `size` on `dir`; the reason it cannot, when it cannot (no root, no mount). */
function mountTmpfs(dir: string, size: string): string | undefined {
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.error) return `cannot run mount: ${mount.error.message}`;
  return mount.status === 0 ? undefined : `mount -t tmpfs failed: ${mount.stderr.trim() || `exit ${mount.status}`}`;
}

function unmount(dir: string): void {
  spawnSync('umount', [dir]);
}

/**
 * An executable named ffmpeg in `dir` that stands in for one stuck on a dead network share: it
 * records its pid in `pidsFile`, then never answers.
 */
async function writeHangingFfmpeg(dir: string): Promise<{ ffmpeg: string; pidsFile: string }> {
  const pidsFile = path.join(dir, 'started.pids');
  const ffmpeg = path.join(dir, 'ffmpeg');
  await writeFile(ffmpeg, `#!/bin/sh\necho $$ >> '${pidsFile}'\nexec sleep 600\n`, { mode: 0o755 });
  return { ffmpeg, pidsFile };
}

describe('environment faults', function () {
  let data: DatasetFixture;
  let expected: unknown[];
  let serial = 0;
  /** A fresh folder for one run's outputs and checkpoint. */
  const jobDir = async () => {
    const dir = path.join(data.dir, `job-${++serial}`);
    await mkdir(dir);
    return dir;
  };
  const args = (outDir: string, checkpointPath: string, ...extra: string[]) => [
    'process', data.csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--num-frames', '4', '--size', '64',
    '--workers', '2', '--device', 'cpu', '--out', outDir, '--checkpoint', checkpointPath, ...extra,
  ];

  before(async () => {
    data = await makeDataset({ goodVideos: 4 });
    const dir = await jobDir();
    const reference = await runCli(args(dir, path.join(dir, 'job.json')));
    assert.equal(reference.code, 0, reference.stderr);
    expected = readResults(dir).map(comparable);
  });
  after(() => data?.cleanup());

  describe('the ffmpeg program', () => {
    it('missing: a clear error at start, exit 2, nothing written', async () => {
      const dir = await jobDir();
      const missing = path.join(dir, 'no-such-ffmpeg');
      const run = await runCli(args(path.join(dir, 'out'), path.join(dir, 'job.json'), '--backend', 'ffmpeg', '--ffmpeg', missing));
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.stderr.includes(`the ffmpeg setting names ${missing}, which is not an executable file`), run.stderr);
      assert.deepEqual(readdirSync(dir), [], 'no checkpoint, no outputs');
    });

    it('not executable: a clear error at start, exit 2, nothing written', async () => {
      const dir = await jobDir();
      const notExecutable = path.join(dir, 'ffmpeg');
      await writeFile(notExecutable, '#!/bin/sh\nexit 0\n');
      await chmod(notExecutable, 0o644);
      const run = await runCli(args(path.join(dir, 'out'), path.join(dir, 'job.json'), '--backend', 'ffmpeg', '--ffmpeg', notExecutable));
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.stderr.includes(`the ffmpeg setting names ${notExecutable}, which is not an executable file`), run.stderr);
      assert.deepEqual(readdirSync(dir), ['ffmpeg']);
    });

    it('hanging: each video times out, and no ffmpeg is left running', async () => {
      const dir = await jobDir();
      const { ffmpeg: hanging, pidsFile } = await writeHangingFfmpeg(dir);
      const run = await runCli(args(path.join(dir, 'out'), path.join(dir, 'job.json'), '--backend', 'ffmpeg', '--ffmpeg', hanging, '--timeout', '2'));
      assert.equal(run.code, 0, run.stderr);
      const records = readResults(path.join(dir, 'out'));
      for (const id of data.goodIds) {
        assert.match(records.find((record) => record.id === id)?.error ?? '', /timed out after 2 s/, id);
      }
      const started = readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number);
      assert.ok(started.length >= data.goodIds.length, `${started.length} ffmpeg runs`);
      assert.deepEqual(started.filter(isRunning), [], 'hung ffmpeg processes outlived their killed workers');
    });
  });

  describe('disk full', () => {
    let mountPoint: string;
    let mounted = false;

    beforeEach(async function () {
      mountPoint = await jobDir();
      const why = mountTmpfs(mountPoint, '1m');
      if (why) {
        console.log(`      skipped: ${why}`);
        this.skip();
      }
      mounted = true;
    });
    afterEach(() => {
      if (mounted) unmount(mountPoint);
      mounted = false;
    });

    /** Fills the tmpfs until `leaveBytes` are free; returns the filler's path (delete it to free the space). */
    async function fill(leaveBytes: number): Promise<string> {
      const filler = path.join(mountPoint, 'filler');
      await writeFile(filler, Buffer.alloc(0));
      for (;;) {
        const { bavail, bsize } = statfsSync(mountPoint);
        const free = bavail * bsize;
        if (free <= leaveBytes) return filler;
        await appendFile(filler, Buffer.alloc(free - leaveBytes));
      }
    }

    it('while writing images and results: the run stops with a clear error, no video is failed for it, and the resume completes', async () => {
      const out = path.join(mountPoint, 'out');
      const checkpointPath = path.join(await jobDir(), 'job.json');
      const filler = await fill(16 * 1024);
      const full = await runCli(args(out, checkpointPath));
      assert.equal(full.code, 1, full.stderr);
      assert.match(full.stderr, /no space left on device/i);
      assert.match(full.stderr, /run the same command to resume/);
      const recorded = journalEntries(checkpointPath).map((entry) => entry.record);
      assert.deepEqual(recorded.filter((record) => /ENOSPC|space/i.test(record.error ?? '')), [], 'a full disk is not the video\'s failure');
      await rm(filler);
      const resumed = await runCli(args(out, checkpointPath));
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(readResults(out).map(comparable), expected);
    });

    it('while appending to the checkpoint: the run stops with a clear error, the checkpoint stays valid, and the resume completes', async () => {
      const out = path.join(await jobDir(), 'out');
      const checkpointPath = path.join(mountPoint, 'job.json');
      // Room for the manifest, its rewrite's temporary and a first page of journal: a few videos get recorded.
      const filler = await fill(12 * 1024);
      const full = await runCli(args(out, checkpointPath, '--save-interval', '1'));
      assert.equal(full.code, 1, full.stderr);
      assert.match(full.stderr, /no space left on device/i);
      assert.match(full.stderr, /job\.json/);
      assert.match(full.stderr, /run the same command to resume/);
      const before = journalEntries(checkpointPath);
      assert.ok(before.length > 0 && before.length < expected.length, `${before.length} of ${expected.length} recorded before the disk filled\n${full.stderr}`);
      await rm(filler);
      const resumed = await runCli(args(out, checkpointPath));
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, new RegExp(`resuming: ${before.length} already done`));
      assert.deepEqual(readResults(out).map(comparable), expected);
      assert.deepEqual(readdirSync(mountPoint).sort(), ['job.json', 'job.json.journal'], 'no temporaries left on the full disk');
    });
  });

  describe('the checkpoint', () => {
    it('corrupted: refused with a clear message, kept as it is, and replaced only with --fresh', async () => {
      const dir = await jobDir();
      const checkpointPath = path.join(dir, 'job.json');
      const garbage = '{"format": "video-batch-kernel-checkpoint", "dataset": {"csv_sha2\u0000\u0000';
      await writeFile(checkpointPath, garbage);
      const refused = await runCli(args(path.join(dir, 'out'), checkpointPath));
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /job\.json is damaged/);
      assert.match(refused.stderr, /--fresh/);
      assert.equal(readFileSync(checkpointPath, 'utf8'), garbage, 'kept untouched');
      assert.ok(!existsSync(path.join(dir, 'out')), 'nothing processed');
      const fresh = await runCli(args(path.join(dir, 'out'), checkpointPath, '--fresh'));
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.deepEqual(readResults(path.join(dir, 'out')).map(comparable), expected);
      const aside = readdirSync(dir).filter((name) => name.startsWith('job.json.replaced-'));
      assert.equal(aside.length, 1, readdirSync(dir).join(', '));
      assert.equal(readFileSync(path.join(dir, aside[0]), 'utf8'), garbage, 'the old checkpoint is moved aside, not deleted');
    });

    it('a journal damaged mid-file: refused, and --fresh starts over keeping the old journal aside', async () => {
      const dir = await jobDir();
      const checkpointPath = path.join(dir, 'job.json');
      assert.equal((await runCli(args(path.join(dir, 'out'), checkpointPath))).code, 0);
      const journal = `${checkpointPath}.journal`;
      const lines = readFileSync(journal, 'utf8').split('\n');
      lines[1] = 'x'.repeat(lines[1].length);
      await writeFile(journal, lines.join('\n'));
      const refused = await runCli(args(path.join(dir, 'out'), checkpointPath));
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /damaged at line 2/);
      assert.match(refused.stderr, /--fresh/);
      const fresh = await runCli(args(path.join(dir, 'out'), checkpointPath, '--fresh'));
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.deepEqual(readResults(path.join(dir, 'out')).map(comparable), expected);
      assert.equal(readdirSync(dir).filter((name) => /^job\.json(\.journal)?\.replaced-/.test(name)).length, 2);
    });

    it('two runs on one checkpoint: the second is refused with the holder\'s pid, the first goes on', async () => {
      const dir = await jobDir();
      const checkpointPath = path.join(dir, 'job.json');
      // The first run holds the checkpoint for as long as the test needs: its ffmpeg hangs.
      const { ffmpeg } = await writeHangingFfmpeg(dir);
      const first = startCli(args(path.join(dir, 'out'), checkpointPath, '--backend', 'ffmpeg', '--ffmpeg', ffmpeg, '--timeout', '600'));
      await waitFor(() => existsSync(`${checkpointPath}.lock`), 60_000);
      const second = await runCli(args(path.join(dir, 'out-second'), checkpointPath));
      assert.equal(second.code, 2, second.stderr);
      assert.match(second.stderr, new RegExp(`in use by process ${first.child.pid} `));
      assert.ok(!existsSync(path.join(dir, 'out-second')), 'the refused run wrote nothing');
      assert.equal(first.child.exitCode, null, 'the first run goes on');
      first.child.kill('SIGINT');
      assert.equal((await first.done).code, 130);
    });
  });
});
