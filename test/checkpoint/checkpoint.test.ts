import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { temporaryNameFor } from '../../kernel/src/checkpoint/atomicFile';
import { hostName } from '../../kernel/src/cluster/hostIdentity';
import { defaultCheckpointPath, openCheckpoint } from '../../kernel/src/checkpoint/checkpoint';
import { CheckpointMismatchError } from '../../kernel/src/checkpoint/checkpointManifest';
import { CheckpointLockedError } from '../../kernel/src/checkpoint/checkpointLock';
import { JournalDamagedError, journalLine, recordBytesOf } from '../../kernel/src/checkpoint/journal';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';

const dataset = { csvSha256: 'a'.repeat(64), videoCol: 'video_path', idCol: 'video_id' };
const identity = { datasetFingerprint: dataset, processingFingerprint: 'keyframes-16' };
const record = (id: string, status: ProcessingRecord['status'] = 'processed'): ProcessingRecord => ({ id, video_path: `/v/${id}.mp4`, status, result: { n: id }, time: 0.5 });
const row = (rowNumber: number) => ({ rowNumber });
const compiled = (module: string) => JSON.stringify(path.resolve(__dirname, '../../kernel/src/checkpoint', module));

/** Runs a Node child on `script` and resolves once it prints its first line. */
function startChild(script: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before it started`)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

const journalLines = async (checkpointPath: string) => (await readFile(`${checkpointPath}.journal`, 'utf8')).split('\n').filter(Boolean);

describe('journal lines', () => {
  it('give back each record as JSON.stringify writes it, cut out of the line or, for a line of another shape, parsed', () => {
    const tricky: ProcessingRecord = { ...record('a'), result: { text: 'ends with }\n', nested: { deep: ['"', '\\', 'é'] } } };
    assert.equal(recordBytesOf(journalLine({ row: 12, record: tricky })).toString('utf8'), JSON.stringify(tricky));
    assert.equal(recordBytesOf(journalLine({ row: 12, sample: { shardIndex: 3, endBytes: 10_240 }, record: tricky })).toString('utf8'), JSON.stringify(tricky));
    assert.equal(recordBytesOf(Buffer.from(`${JSON.stringify({ record: tricky, row: 3 })}\n`)).toString('utf8'), JSON.stringify(tricky));
  });
});

describe('checkpoint', () => {
  let dir: string;
  let checkpointPath: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-checkpoint-'));
    checkpointPath = path.join(dir, 'job.vbk-checkpoint.json');
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(kill));
    await rm(dir, { recursive: true, force: true });
  });

  it('sits beside the CSV or notebook, named after it', () => {
    assert.equal(defaultCheckpointPath('/data/videos.csv'), '/data/videos.vbk-checkpoint.json');
    assert.equal(defaultCheckpointPath('/nb/analysis.ipynb'), '/nb/analysis.vbk-checkpoint.json');
  });

  it('keeps appended outcomes across a reopen, the latest per row winning, in CSV order', async () => {
    const first = await openCheckpoint(checkpointPath, identity);
    await Promise.all([first.append(row(2), record('b', 'failed')), first.append(row(1), record('a')), first.append(row(3), record('c', 'skipped'))]);
    await first.append(row(2), record('b'));
    assert.equal(first.statusOf(row(2)), 'processed');
    await first.close();
    const second = await openCheckpoint(checkpointPath, identity);
    assert.equal(second.statusOf(row(2)), 'processed');
    assert.equal(second.statusOf(row(4)), undefined);
    assert.deepEqual(second.records.toArray(), [record('a'), record('b'), record('c', 'skipped')]);
    assert.deepEqual(second.counts, { processed: 2, failed: 0, skipped: 1 });
    await second.close();
    const manifest = JSON.parse(await readFile(checkpointPath, 'utf8')) as { counts: Record<string, number>; dataset: object; processing_fingerprint: string };
    assert.deepEqual(manifest.counts, { processed: 2, failed: 0, skipped: 1 });
    assert.deepEqual(manifest.dataset, { csv_sha256: dataset.csvSha256, video_col: 'video_path', id_col: 'video_id' });
    assert.equal(manifest.processing_fingerprint, 'keyframes-16');
  });

  it('commits concurrent appends together, each durable once it resolves', async () => {
    const checkpoint = await openCheckpoint(checkpointPath, identity);
    await Promise.all(Array.from({ length: 500 }, (_, i) => checkpoint.append(row(i + 1), record(`v${i + 1}`))));
    assert.equal((await journalLines(checkpointPath)).length, 500);
    assert.equal(checkpoint.settledCount, 500);
    await checkpoint.close();
  });

  it('cuts off a torn last line or a zero-filled tail left by a kill, and appends after it', async () => {
    const first = await openCheckpoint(checkpointPath, identity);
    await first.append(row(1), record('a'));
    await first.close();
    await appendFile(`${checkpointPath}.journal`, '{"row":2,"record":{"id":"b","sta');
    const second = await openCheckpoint(checkpointPath, identity);
    assert.deepEqual(second.records.toArray().map((r) => r.id), ['a']);
    await second.append(row(3), record('c'));
    await second.close();
    await appendFile(`${checkpointPath}.journal`, Buffer.alloc(4096));
    const third = await openCheckpoint(checkpointPath, identity);
    await third.append(row(4), record('d'));
    assert.deepEqual(third.records.toArray().map((r) => r.id), ['a', 'c', 'd']);
    await third.close();
    assert.deepEqual((await journalLines(checkpointPath)).map((line) => (JSON.parse(line) as { row: number }).row), [1, 3, 4]);
  });

  it('refuses a journal damaged before its end, naming the line', async () => {
    const first = await openCheckpoint(checkpointPath, identity);
    await first.append(row(1), record('a'));
    await first.close();
    await appendFile(`${checkpointPath}.journal`, `not json\n${JSON.stringify({ row: 2, record: record('b') })}\n`);
    await assert.rejects(openCheckpoint(checkpointPath, identity), (error: Error) => error instanceof JournalDamagedError && /line 2/.test(error.message));
    await assert.doesNotReject(async () => (await openCheckpoint(path.join(dir, 'other.json'), identity)).close());
  });

  it('refuses another dataset or processing function, saying what differs and what to do', async () => {
    await (await openCheckpoint(checkpointPath, identity)).close();
    const refusal = (pattern: RegExp) => (error: Error) =>
      error instanceof CheckpointMismatchError && pattern.test(error.message) && /--fresh \(CLI\) or fresh: true/.test(error.message) && /moves the old checkpoint aside/.test(error.message);
    await assert.rejects(openCheckpoint(checkpointPath, { ...identity, datasetFingerprint: { ...dataset, csvSha256: 'b'.repeat(64) } }), refusal(/another dataset: the CSV's contents changed/));
    await assert.rejects(openCheckpoint(checkpointPath, { ...identity, datasetFingerprint: { ...dataset, videoCol: 'path' } }), refusal(/the video column was 'video_path', now 'path'/));
    await assert.rejects(
      openCheckpoint(checkpointPath, { ...identity, datasetFingerprint: { ...dataset, idCol: undefined } }),
      refusal(/the id column was 'video_id', now none \(row numbers\)/),
    );
    await assert.rejects(openCheckpoint(checkpointPath, { ...identity, processingFingerprint: 'metadata' }), refusal(/another processing function \(keyframes-16 then, metadata now\)/));
    const foreign = path.join(dir, 'settings.json');
    await writeFile(foreign, '{"theme": "dark"}');
    await assert.rejects(openCheckpoint(foreign, identity), (error: Error) => error instanceof CheckpointMismatchError && /not a video-batch-kernel checkpoint/.test(error.message));
    // A refusal leaves the lock free.
    await (await openCheckpoint(checkpointPath, identity)).close();
  });

  it('starts over when the checkpoint file was deleted, keeping the old journal aside', async () => {
    const first = await openCheckpoint(checkpointPath, identity);
    await first.append(row(1), record('a'));
    await first.close();
    await rm(checkpointPath);
    const second = await openCheckpoint(checkpointPath, { ...identity, processingFingerprint: 'metadata' });
    assert.equal(second.settledCount, 0);
    await second.close();
    assert.ok((await readdir(dir)).some((name) => name.startsWith('job.vbk-checkpoint.json.journal.orphaned-')));
  });

  it("clears temporaries a killed writer left beside the checkpoint, never a live writer's", async () => {
    await (await openCheckpoint(checkpointPath, identity)).close();
    const dead = temporaryNameFor(checkpointPath, 999_999_999);
    const live = temporaryNameFor(`${checkpointPath}.journal`, process.ppid);
    const unrelated = `${checkpointPath}.notes.tmp`;
    for (const file of [dead, live, unrelated]) await writeFile(file, 'x');
    await (await openCheckpoint(checkpointPath, identity)).close();
    const names = await readdir(dir);
    assert.ok(!names.includes(path.basename(dead)), 'the dead writer\'s temporary is gone');
    assert.ok(names.includes(path.basename(live)) && names.includes(path.basename(unrelated)), names.join(', '));
  });

  it('drops superseded lines once they outnumber the live ones', async () => {
    const first = await openCheckpoint(checkpointPath, identity);
    for (let attempt = 0; attempt < 3; attempt++) await Promise.all(Array.from({ length: 500 }, (_, i) => first.append(row(i + 1), record(`v${i + 1}`, 'failed'))));
    await Promise.all(Array.from({ length: 500 }, (_, i) => first.append(row(i + 1), record(`v${i + 1}`))));
    await first.close();
    assert.equal((await journalLines(checkpointPath)).length, 2000);
    const second = await openCheckpoint(checkpointPath, identity);
    assert.equal((await journalLines(checkpointPath)).length, 500);
    await second.append(row(501), record('v501'));
    assert.deepEqual(second.counts, { processed: 501, failed: 0, skipped: 0 });
    assert.deepEqual(second.records.toArray().at(-2), record('v500'));
    await second.close();
    const third = await openCheckpoint(checkpointPath, identity);
    assert.equal(third.records.toArray().length, 501);
    await third.close();
  });

  describe('lock', () => {
    const holdLock = (checkpointPath: string) =>
      `require(${compiled('checkpoint.js')}).openCheckpoint(${JSON.stringify(checkpointPath)}, ${JSON.stringify(identity)})` +
      `.then(() => console.log('locked'), (error) => { console.error(error.message); process.exit(1); }); setInterval(() => {}, 1000);`;

    it('refuses a checkpoint held by a live process, naming it, and recovers the lock once it is killed', async () => {
      const holder = await startChild(holdLock(checkpointPath));
      children.push(holder);
      await assert.rejects(
        openCheckpoint(checkpointPath, identity),
        (error: Error) =>
          error instanceof CheckpointLockedError &&
          error.message.includes(`process ${holder.pid} on ${hostName()}`) &&
          error.message.includes(`${checkpointPath}.lock`),
      );
      await kill(holder);
      const recovered = await openCheckpoint(checkpointPath, identity);
      await recovered.close();
      assert.deepEqual(await readdir(dir), ['job.vbk-checkpoint.json', 'job.vbk-checkpoint.json.journal'], 'the lock is released and nothing is left beside it');
    });

    it('takes over a lock whose pid now belongs to another process, and one from another host only once its lease expired', async () => {
      const lockPath = `${checkpointPath}.lock`;
      await writeFile(lockPath, JSON.stringify({ pid: 1, host: hostName(), process_start: '-1', since: '2020-01-01T00:00:00.000Z' }));
      await (await openCheckpoint(checkpointPath, identity)).close();
      const renewed = new Date().toISOString();
      await writeFile(lockPath, JSON.stringify({ pid: 1, host: 'render-farm-7', since: '2020-01-01T00:00:00.000Z', renewed, lease_seconds: 60 }));
      await assert.rejects(openCheckpoint(checkpointPath, identity), (error: Error) => error instanceof CheckpointLockedError && /process 1 on render-farm-7/.test(error.message));
      // A lock from before leases, untouched since 2020: its time of taking stands for its last renewal.
      await writeFile(lockPath, JSON.stringify({ pid: 1, host: 'render-farm-7', since: '2020-01-01T00:00:00.000Z' }));
      await (await openCheckpoint(checkpointPath, identity)).close();
      assert.deepEqual(await readdir(dir), ['job.vbk-checkpoint.json', 'job.vbk-checkpoint.json.journal']);
    });

    it('leaves nothing behind when a run is killed while it takes over a stale lock', async () => {
      const stale = JSON.stringify({ pid: 999_999_999, host: hostName(), since: '2020-01-01T00:00:00.000Z' });
      await writeFile(`${checkpointPath}.lock`, stale);
      // The child dies the moment it would remove the stale lock it has just moved aside.
      const script =
        `const fsp = require('node:fs/promises'); const fs = require('node:fs'); const rm = fsp.rm; ` +
        `fsp.rm = (file, options) => { let text = ''; try { text = fs.readFileSync(file, 'utf8'); } catch {} ` +
        `if (text === ${JSON.stringify(stale)}) process.kill(process.pid, 'SIGKILL'); return rm(file, options); }; ` +
        `require(${compiled('checkpoint.js')}).openCheckpoint(${JSON.stringify(checkpointPath)}, ${JSON.stringify(identity)});`;
      const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
      children.push(child);
      const signal = await new Promise((resolve) => child.once('exit', (_code, exitSignal) => resolve(exitSignal)));
      assert.equal(signal, 'SIGKILL', 'the child reached the removal of the stale lock');
      assert.ok((await readdir(dir)).some((name) => name !== 'job.vbk-checkpoint.json.lock' && name.startsWith('job.vbk-checkpoint.json.lock')), 'the stale lock was moved aside');
      await (await openCheckpoint(checkpointPath, identity)).close();
      assert.deepEqual(await readdir(dir), ['job.vbk-checkpoint.json', 'job.vbk-checkpoint.json.journal'], 'the next run clears what the killed one moved aside');
    });

    it('lets exactly one of many racing processes take a stale lock', async () => {
      await writeFile(`${checkpointPath}.lock`, JSON.stringify({ pid: 999_999_999, host: hostName(), since: '2020-01-01T00:00:00.000Z' }));
      const script =
        `require(${compiled('checkpoint.js')}).openCheckpoint(${JSON.stringify(checkpointPath)}, ${JSON.stringify(identity)})` +
        `.then(() => { console.log('locked'); setInterval(() => {}, 1000); }, (error) => { console.log(error.name); process.exit(0); });`;
      const racers = Array.from({ length: 6 }, () => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
      children.push(...racers);
      const outcomes = await Promise.all(racers.map((child) => new Promise<string>((resolve) => child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim())))));
      assert.equal(outcomes.filter((outcome) => outcome === 'locked').length, 1, outcomes.join(', '));
      assert.ok(outcomes.every((outcome) => outcome === 'locked' || outcome === 'CheckpointLockedError'), outcomes.join(', '));
    });
  });

  it('loses no acknowledged outcome when killed mid-run', async () => {
    // The child prints each row once its append has resolved: every printed row must survive a SIGKILL.
    const script =
      `const c = require(${compiled('checkpoint.js')}); (async () => { const cp = await c.openCheckpoint(${JSON.stringify(checkpointPath)}, ${JSON.stringify(identity)}); ` +
      `console.log('open'); for (let n = 1; ; n++) { await Promise.all([0, 1, 2].map((k) => cp.append({ rowNumber: 3 * n + k }, { id: 'v' + (3 * n + k), video_path: 'x', status: 'processed', result: { pad: 'x'.repeat(3000) }, time: 0 }))); console.log(3 * n + 2); } })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let acknowledged = 0;
    let output = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (data: Buffer) => {
        output += data.toString();
        const last = output.trim().split('\n').at(-1)!;
        if (/^\d+$/.test(last)) acknowledged = Number(last);
        if (acknowledged >= 300) resolve();
      });
    });
    await kill(child);
    const reopened = await openCheckpoint(checkpointPath, identity);
    const rows = reopened.records.toArray().map((r) => Number(r.id.slice(1)));
    await reopened.close();
    assert.ok(rows.length >= acknowledged - 2, `${rows.length} rows survived, ${acknowledged - 2} were acknowledged`);
    assert.deepEqual(rows, Array.from({ length: rows.length }, (_, i) => i + 3), 'every row once, none missing before the last');
  });

  it('never shows a partly written file, even when the writer is killed mid-write', async () => {
    const target = path.join(dir, 'results.json');
    const size = 2 ** 20;
    const script =
      `const { writeFileAtomically } = require(${compiled('atomicFile.js')}); (async () => { for (let n = 0; ; n++) { ` +
      `const letter = 'AB'[n % 2]; await writeFileAtomically(${JSON.stringify(target)}, async (append) => { for (let i = 0; i < ${size / 65536}; i++) await append(letter.repeat(65536)); }); if (n === 0) console.log('first'); } })();`;
    const writer = await startChild(script);
    children.push(writer);
    const check = async () => {
      const text = await readFile(target, 'utf8');
      assert.equal(text.length, size);
      assert.ok(text === text[0].repeat(size), 'one writer pass, whole');
    };
    for (let i = 0; i < 30; i++) {
      await check();
      if (i === 20) writer.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await kill(writer);
    await check();
  });
});
