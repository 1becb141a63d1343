import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCheckpoint } from '../../kernel/src/checkpoint/checkpoint';
import { csvField, failuresCsvPathOf, writeFailuresCsv } from '../../kernel/src/checkpoint/failuresCsv';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { csvRecords } from '../../kernel/src/csv/csvRecords';

const identity = { datasetFingerprint: { csvSha256: 'b'.repeat(64), videoCol: 'video_path', idCol: 'video_id' }, processingFingerprint: 'builtin:metadata:{}', datasetLocation: { csvPath: '/data/videos.csv', totalRows: 5 } };
const failed = (id: string, error: string): ProcessingRecord => ({ id, video_path: `/v/${id}.mp4`, status: 'failed', error, time: 0.1 });

describe('failures CSV', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-failures-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is named after the checkpoint, beside it', () => {
    assert.equal(failuresCsvPathOf('/d/videos.vbk-checkpoint.json'), '/d/videos.vbk-checkpoint.failures.csv');
    assert.equal(failuresCsvPathOf('/d/nb.vbk-checkpoint/videos.json'), '/d/nb.vbk-checkpoint/videos.failures.csv');
  });

  it('quotes fields holding commas, quotes, line breaks or edge blanks', () => {
    assert.deepEqual(['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded'].map(csvField), ['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '" padded"']);
  });

  it('lists each row whose latest outcome failed, in CSV order, with its error kind', async () => {
    const checkpointPath = path.join(dir, 'videos.vbk-checkpoint.json');
    const checkpoint = await openCheckpoint(checkpointPath, identity);
    await checkpoint.append({ rowNumber: 4 }, failed('d', 'Invalid data found when processing input, "moov", at 0,1'));
    await checkpoint.append({ rowNumber: 1 }, failed('a', 'file not found: /v/a.mp4'));
    await checkpoint.append({ rowNumber: 2 }, { id: 'b', video_path: '/v/b.mp4', status: 'processed', result: {}, time: 1 });
    await checkpoint.append({ rowNumber: 3 }, failed('c', 'timed out after 5 s'));
    await checkpoint.append({ rowNumber: 3 }, { id: 'c', video_path: '/v/c.mp4', status: 'processed', result: {}, time: 1 });
    await checkpoint.close();

    assert.equal(await writeFailuresCsv(checkpointPath), 2);
    const text = await readFile(failuresCsvPathOf(checkpointPath), 'utf8');
    assert.ok(text.startsWith('id,video_path,error,error_kind\r\n'));
    const rows: string[][] = [];
    for await (const record of csvRecords(failuresCsvPathOf(checkpointPath))) rows.push(record);
    assert.deepEqual(rows, [
      ['id', 'video_path', 'error', 'error_kind'],
      ['a', '/v/a.mp4', 'file not found: /v/a.mp4', 'missing_file'],
      ['d', '/v/d.mp4', 'Invalid data found when processing input, "moov", at 0,1', 'unreadable'],
    ]);
    const elsewhere = path.join(dir, 'chosen.csv');
    assert.equal(await writeFailuresCsv(checkpointPath, elsewhere), 2);
    assert.equal(await readFile(elsewhere, 'utf8'), text);
  });
});
