import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCheckpoint, type Checkpoint } from '../../kernel/src/checkpoint/checkpoint';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { ResultsWriter } from '../../kernel/src/checkpoint/resultsWriter';
import { ProcessingStats } from '../../kernel/src/stats/processingStats';

const identity = { datasetFingerprint: { csvSha256: 'c'.repeat(64), videoCol: 'video_path' }, processingFingerprint: 'metadata' };
const record = (id: string, status: ProcessingRecord['status'], extra: Partial<ProcessingRecord> = {}): ProcessingRecord => ({ id, video_path: `/v/${id}.mp4`, status, time: 0.25, ...extra });

describe('results writer', () => {
  let dir: string;
  let checkpoint: Checkpoint;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-results-'));
    checkpoint = await openCheckpoint(path.join(dir, 'job.vbk-checkpoint.json'), identity);
  });
  afterEach(async () => {
    await checkpoint.close();
    await rm(dir, { recursive: true, force: true });
  });

  const readResults = async (writer: ResultsWriter) => JSON.parse(await readFile(writer.resultsPath, 'utf8')) as ProcessingRecord[];

  it('writes every row once, its latest outcome, in CSV order, and the stats', async () => {
    const writer = new ResultsWriter(path.join(dir, 'out'), { saveInterval: 100 });
    await checkpoint.append({ rowNumber: 3 }, record('c', 'failed', { error: 'moov atom not found' }));
    await checkpoint.append({ rowNumber: 1 }, record('a', 'processed', { result: { num_frames: 16, timestamps: [0, 0.5] } }));
    await checkpoint.append({ rowNumber: 2 }, record('a', 'skipped', { error: "row 2: id 'a' appeared on an earlier row" }));
    await checkpoint.append({ rowNumber: 3 }, record('c', 'processed', { result: { num_frames: 16 } }));
    const stats = new ProcessingStats({ totalVideos: 3, processed: 2, skipped: 1, totalTime: 1.5 }).toDict();
    await writer.writeFinal(checkpoint, stats);
    assert.deepEqual(await readResults(writer), [
      record('a', 'processed', { result: { num_frames: 16, timestamps: [0, 0.5] } }),
      record('a', 'skipped', { error: "row 2: id 'a' appeared on an earlier row" }),
      record('c', 'processed', { result: { num_frames: 16 } }),
    ]);
    assert.deepEqual(JSON.parse(await readFile(writer.statsPath, 'utf8')), stats);
    assert.deepEqual((await readdir(writer.outputDir)).sort(), ['processing_results.json', 'processing_results.parquet', 'processing_stats.json'], 'no temporary files left');
  });

  it('writes an empty array for a run that settled nothing', async () => {
    const writer = new ResultsWriter(path.join(dir, 'out'), { saveInterval: 10 });
    await writer.writeFinal(checkpoint, new ProcessingStats().toDict());
    assert.deepEqual(await readResults(writer), []);
  });

  it('rewrites at most every saveInterval settled videos, one rewrite at a time', async () => {
    const writer = new ResultsWriter(path.join(dir, 'out'), { saveInterval: 5, maxTimeShare: 1 });
    const rewrites: boolean[] = [];
    for (let n = 1; n <= 12; n++) {
      await checkpoint.append({ rowNumber: n }, record(`v${n}`, 'processed'));
      rewrites.push(await writer.maybeWrite(checkpoint));
    }
    assert.deepEqual(rewrites.map((wrote, at) => (wrote ? at + 1 : 0)).filter(Boolean), [5, 10]);
    assert.equal((await readResults(writer)).length, 10);
    const eager = new ResultsWriter(path.join(dir, 'eager'), { saveInterval: 1, maxTimeShare: 1 });
    await Promise.all([13, 14, 15].map((n) => checkpoint.append({ rowNumber: n }, record(`v${n}`, 'processed'))));
    // Videos settling together start one rewrite; the others count towards the next.
    const together = await Promise.all([13, 14, 15].map(() => eager.maybeWrite(checkpoint)));
    assert.deepEqual(together, [true, false, false]);
    assert.equal((await readResults(eager)).length, 15);
  });

  it('waits after a rewrite so that rewrites take at most a tenth of the run', async () => {
    const writer = new ResultsWriter(path.join(dir, 'out'), { saveInterval: 1 });
    await checkpoint.append({ rowNumber: 1 }, record('v1', 'processed'));
    assert.equal(await writer.maybeWrite(checkpoint), true);
    assert.equal(await writer.maybeWrite(checkpoint), false, 'right after a rewrite, the next one waits nine times as long as it took');
  });

  it('streams a large results file whose records stay on disk', async () => {
    const writer = new ResultsWriter(path.join(dir, 'out'), { saveInterval: 1000 });
    const result = { timestamps: Array.from({ length: 16 }, (_, i) => i / 3), paths: Array.from({ length: 16 }, (_, i) => `/out/frames/${i}.jpg`) };
    for (let start = 1; start <= 20_000; start += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => checkpoint.append({ rowNumber: start + i }, record(`v${start + i}`, 'processed', { result }))));
    }
    await writer.writeFinal(checkpoint, new ProcessingStats({ totalVideos: 20_000, processed: 20_000 }).toDict());
    const written = await readResults(writer);
    assert.equal(written.length, 20_000);
    assert.deepEqual(written[12_345], record('v12346', 'processed', { result }));
  });
});
