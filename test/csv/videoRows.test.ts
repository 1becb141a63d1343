import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CsvColumnError, countVideoRows, readVideoRows, type VideoRow } from '../../kernel/src/csv/videoRows';
import { InputError } from '../../kernel/src/inputError';

async function rowsOf(csvPath: string, columns: { videoCol: string; idCol?: string }): Promise<VideoRow[]> {
  const rows: VideoRow[] = [];
  for await (const row of readVideoRows(csvPath, columns)) rows.push(row);
  return rows;
}

describe('CSV reading', () => {
  let dir: string;
  const write = async (name: string, text: string | Buffer) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-csv-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('handles a BOM, CRLF and quoted fields holding commas, quotes and newlines', async () => {
    const csv = await write('quoted.csv', '\uFEFFvideo_id,video_path,note\r\na,"clips/a, the first.mp4",x\r\nb,"clips/b\nsecond ""take"".mp4","multi\r\nline"\r\n');
    const rows = await rowsOf(csv, { videoCol: 'video_path', idCol: 'video_id' });
    assert.deepEqual(rows.map((row) => [row.rowNumber, row.id, row.rawPath]), [[1, 'a', 'clips/a, the first.mp4'], [2, 'b', 'clips/b\nsecond "take".mp4']]);
    assert.equal(rows[0].videoPath, path.join(dir, 'clips/a, the first.mp4'));
  });

  it('resolves relative paths against the CSV folder and keeps absolute ones', async () => {
    const csv = await write('paths.csv', 'video_path\nsub/x.mp4\n/abs/y.mp4\n../z.mp4\n');
    const rows = await rowsOf(csv, { videoCol: 'video_path' });
    assert.deepEqual(rows.map((row) => row.videoPath), [path.join(dir, 'sub/x.mp4'), '/abs/y.mp4', path.join(path.dirname(dir), 'z.mp4')]);
    assert.deepEqual(rows.map((row) => row.id), ['1', '2', '3'], 'no id column: the row number');
  });

  it('names the missing column and the columns that exist', async () => {
    const csv = await write('columns.csv', 'id,path,label\n1,a.mp4,x\n');
    for (const columns of [{ videoCol: 'video_path' }, { videoCol: 'path', idCol: 'video_id' }]) {
      await assert.rejects(rowsOf(csv, columns), (error: Error) => error instanceof CsvColumnError && /'id', 'path', 'label'/.test(error.message));
      await assert.rejects(countVideoRows(csv, columns), CsvColumnError);
    }
  });

  it('reports a missing CSV with its path', async () => {
    await assert.rejects(countVideoRows(path.join(dir, 'nope.csv'), { videoCol: 'v' }), (error: Error) => error instanceof InputError && error.message.includes('nope.csv'));
  });

  it('flags empty paths, empty ids and duplicate ids instead of failing', async () => {
    const csv = await write('problems.csv', 'video_id,video_path\na,a.mp4\n,b.mp4\nc,\na,again.mp4\nd,d.mp4\n\n');
    const rows = await rowsOf(csv, { videoCol: 'video_path', idCol: 'video_id' });
    assert.deepEqual(rows.map((row) => [row.id, row.problem]), [['a', undefined], ['', 'empty_id'], ['c', 'empty_path'], ['a', 'duplicate_id'], ['d', undefined]]);
    assert.equal(await countVideoRows(csv, { videoCol: 'video_path' }), 5);
  });

  it('streams 50k rows with flat memory', async function () {
    const lines = ['video_id,video_path'];
    for (let i = 0; i < 50_000; i++) lines.push(`vid${i},videos/clip_${i % 97}.mp4`);
    const csv = await write('large.csv', lines.join('\n'));
    const heapBefore = process.memoryUsage().heapUsed;
    let count = 0;
    let peakHeap = 0;
    for await (const row of readVideoRows(csv, { videoCol: 'video_path', idCol: 'video_id' })) {
      count++;
      if (row.rowNumber % 5_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    assert.equal(count, 50_000);
    // The ids' Set (for duplicates) grows with the rows; the rows themselves must not be held.
    assert.ok(peakHeap - heapBefore < 64 * 2 ** 20, `heap grew ${((peakHeap - heapBefore) / 2 ** 20).toFixed(0)} MiB`);
  });
});
