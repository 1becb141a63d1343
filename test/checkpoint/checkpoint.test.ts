import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCheckpointPath, openCheckpoint } from '../../kernel/src/checkpoint/checkpoint';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { InputError } from '../../kernel/src/inputError';

const dataset = { csvSha256: 'a'.repeat(64), videoCol: 'video_path', idCol: 'video_id' };
const identity = { datasetFingerprint: dataset, processingFingerprint: 'keyframes-16' };
const record = (id: string, status: ProcessingRecord['status'] = 'processed'): ProcessingRecord => ({ id, video_path: `/v/${id}.mp4`, status, result: { n: id }, time: 0.5 });
const row = (id: string, rowNumber: number) => ({ id, rowNumber });

/** Starts a Node child that takes the checkpoint's lock and holds it until killed. */
function childHoldingLock(checkpointPath: string): Promise<ReturnType<typeof spawn>> {
  const module = path.resolve(__dirname, '../../kernel/src/checkpoint/checkpoint.js');
  const script = `require(${JSON.stringify(module)}).openCheckpoint(${JSON.stringify(checkpointPath)}, ${JSON.stringify(identity)}).then(() => console.log('locked'))`;
  const child = spawn(process.execPath, ['-e', `${script}; setInterval(() => {}, 1000)`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

describe('checkpoint', () => {
  let dir: string;
  let checkpointPath: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-checkpoint-'));
    checkpointPath = path.join(dir, 'job.vbk-checkpoint.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('sits beside the CSV or notebook, named after it', () => {
    assert.equal(defaultCheckpointPath('/data/videos.csv'), '/data/videos.vbk-checkpoint.json');
    assert.equal(defaultCheckpointPath('/nb/analysis.ipynb'), '/nb/analysis.vbk-checkpoint.json');
  });

  it('keeps appended outcomes across a reopen, the latest per row winning, in CSV order', async () => {
    const first = await openCheckpoint(checkpointPath, identity);
    await Promise.all([first.append(row('b', 2), record('b', 'failed')), first.append(row('a', 1), record('a')), first.append(row('c', 3), record('c'))]);
    await first.append(row('b', 2), record('b'));
    await first.close();
    const second = await openCheckpoint(checkpointPath, identity);
    assert.equal(second.statusOf(row('b', 2)), 'processed');
    assert.deepEqual(second.records().map((r) => r.id), ['a', 'b', 'c']);
    assert.equal(second.settledCount, 3);
    await second.close();
    const manifest = JSON.parse(await readFile(checkpointPath, 'utf8')) as { counts: Record<string, number> };
    assert.deepEqual(manifest.counts, { processed: 3, failed: 0, skipped: 0 });
  });

  it('cuts off a torn last line left by a kill mid-append', async () => {
    const first = await openCheckpoint(checkpointPath, identity);
    await first.append(row('a', 1), record('a'));
    await first.close();
    await appendFile(`${checkpointPath}.journal`, '{"row":2,"record":{"id":"b","sta');
    const second = await openCheckpoint(checkpointPath, identity);
    assert.deepEqual(second.records().map((r) => r.id), ['a']);
    await second.append(row('c', 3), record('c'));
    await second.close();
    const lines = (await readFile(`${checkpointPath}.journal`, 'utf8')).trim().split('\n');
    assert.deepEqual(lines.map((line) => (JSON.parse(line) as { row: number }).row), [1, 3]);
  });

  it('refuses another dataset or processing function, saying what to do', async () => {
    await (await openCheckpoint(checkpointPath, identity)).close();
    await assert.rejects(openCheckpoint(checkpointPath, { ...identity, datasetFingerprint: { ...dataset, csvSha256: 'b'.repeat(64) } }), (error: Error) => error instanceof InputError && /another dataset/.test(error.message) && /delete/.test(error.message));
    await assert.rejects(openCheckpoint(checkpointPath, { ...identity, processingFingerprint: 'metadata' }), (error: Error) => error instanceof InputError && /another processing function/.test(error.message));
  });

  it('refuses a checkpoint locked by a live process and recovers the lock of a killed one', async () => {
    const holder = await childHoldingLock(checkpointPath);
    await assert.rejects(openCheckpoint(checkpointPath, identity), (error: Error) => error instanceof InputError && error.message.includes(`process ${holder.pid}`) && error.message.includes('.lock'));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    const recovered = await openCheckpoint(checkpointPath, identity);
    await recovered.close();
  });
});
