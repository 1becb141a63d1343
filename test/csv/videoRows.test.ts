import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import Papa from 'papaparse';
import { createHash } from 'node:crypto';
import { CsvFileError } from '../../kernel/src/csv/csvRecords';
import { scanCsv } from '../../kernel/src/csv/csvScan';
import { DuplicateIds } from '../../kernel/src/csv/idHashes';
import { CsvColumnError, readVideoRows, type VideoColumns, type VideoRow } from '../../kernel/src/csv/videoRows';
import { InputError } from '../../kernel/src/inputError';

/** The heap that is still reachable: collects garbage first. */
function retainedHeap(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/** The run's pass over a CSV, after the scan that notes its ids. */
async function rowsFrom(csvPath: string, columns: VideoColumns): Promise<AsyncGenerator<VideoRow>> {
  const { duplicates } = await scanCsv(csvPath, columns);
  return readVideoRows(csvPath, columns, duplicates);
}

async function rowsOf(csvPath: string, columns: VideoColumns): Promise<VideoRow[]> {
  const rows: VideoRow[] = [];
  for await (const row of await rowsFrom(csvPath, columns)) rows.push(row);
  return rows;
}

const countVideoRows = async (csvPath: string, columns: VideoColumns) => (await scanCsv(csvPath, columns)).totalRows;

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

  it('reads a quoted header after a BOM (as spreadsheet exports write it)', async () => {
    const csv = await write('excel.csv', '\uFEFF"video_id","video_path"\r\n"a","a.mp4"\r\n');
    const rows = await rowsOf(csv, { videoCol: 'video_path', idCol: 'video_id' });
    assert.deepEqual(rows.map((row) => [row.id, row.rawPath]), [['a', 'a.mp4']]);
  });

  it('parses quoted newlines and commas that straddle stream chunks exactly as a whole-file parse', async () => {
    const lines = ['video_id,video_path,note'];
    for (let i = 0; i < 20_000; i++) lines.push(`v${i},"dir ${i % 7}/clip, ${i}.mp4","line one\r\nline ""two""${'x'.repeat(i % 50)}\nend"`);
    const text = lines.join('\r\n');
    const csv = await write('chunks.csv', text);
    const expected = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' }).data.slice(1);
    const rows = await rowsOf(csv, { videoCol: 'video_path', idCol: 'video_id' });
    assert.equal(rows.length, expected.length);
    rows.forEach((row, at) => assert.deepEqual([row.id, row.rawPath], [expected[at][0], expected[at][1]], `row ${row.rowNumber}`));
    assert.equal(await countVideoRows(csv, { videoCol: 'video_path' }), 20_000);
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

  it('reports a missing CSV with its path, a folder, and a file without a header', async () => {
    const missing = path.join(dir, 'nope.csv');
    await assert.rejects(countVideoRows(missing, { videoCol: 'v' }), (error: Error) => error instanceof InputError && error.message === `CSV file not found: ${missing}`);
    await assert.rejects(rowsOf(missing, { videoCol: 'v' }), CsvFileError);
    const folder = path.join(dir, 'folder.csv');
    await mkdir(folder);
    await assert.rejects(rowsOf(folder, { videoCol: 'v' }), (error: Error) => error instanceof CsvFileError && error.message.includes(folder));
    const empty = await write('empty.csv', '\n\n');
    await assert.rejects(countVideoRows(empty, { videoCol: 'v' }), (error: Error) => error instanceof CsvFileError && /no header row/.test(error.message));
  });

  it('closes the file when the consumer stops early', async function () {
    if (!existsSync('/proc/self/fd')) this.skip();
    const csv = await write('early.csv', ['video_path', ...Array.from({ length: 50_000 }, (_, i) => `${i}.mp4`)].join('\n'));
    const openCsvs = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === csv;
        } catch {
          return false; // the listing's own descriptor, closed by now
        }
      }).length;
    for await (const row of await rowsFrom(csv, { videoCol: 'video_path' })) if (row.rowNumber === 10) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(openCsvs(), 0);
  });

  it('reads no further ahead than a few chunks while the consumer waits', async function () {
    if (!existsSync('/proc/self/io')) this.skip();
    const lines = ['video_id,video_path'];
    for (let i = 0; i < 200_000; i++) lines.push(`vid${i},videos/clip_${i}.mp4`);
    const csv = await write('slow.csv', lines.join('\n'));
    const bytesRead = () => Number(/rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
    const rows = await rowsFrom(csv, { videoCol: 'video_path', idCol: 'video_id' });
    const before = bytesRead();
    await rows.next();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ahead = bytesRead() - before;
    await rows.return(undefined);
    assert.ok(ahead < 1024 * 1024, `read ${ahead} bytes ahead of a consumer holding at row 1 (file: ${lines.join('\n').length} bytes)`);
  });

  it('flags empty paths, empty ids and duplicate ids instead of failing', async () => {
    const csv = await write('problems.csv', 'video_id,video_path\na,a.mp4\n,b.mp4\nc,\na,again.mp4\nd,d.mp4\n\n');
    const rows = await rowsOf(csv, { videoCol: 'video_path', idCol: 'video_id' });
    assert.deepEqual(rows.map((row) => [row.id, row.problem]), [['a', undefined], ['', 'empty_id'], ['c', 'empty_path'], ['a', 'duplicate_id'], ['d', undefined]]);
    assert.equal(await countVideoRows(csv, { videoCol: 'video_path' }), 5);
  });

  it('streams 200k rows with flat memory', async function () {
    const lines = ['video_path,label'];
    for (let i = 0; i < 200_000; i++) lines.push(`videos/clip_${i}.mp4,"label, ${i % 13}"`);
    const csv = await write('large.csv', lines.join('\n'));
    lines.length = 0;
    const heapBefore = retainedHeap();
    let count = 0;
    let peakHeap = 0;
    for await (const row of await rowsFrom(csv, { videoCol: 'video_path' })) {
      count++;
      if (row.rowNumber % 40_000 === 0) peakHeap = Math.max(peakHeap, retainedHeap());
    }
    assert.equal(count, 200_000);
    // Held whole, these rows would take well over 60 MiB; streamed, a few chunks' worth stay reachable.
    assert.ok(peakHeap - heapBefore < 8 * 2 ** 20, `retained heap grew ${((peakHeap - heapBefore) / 2 ** 20).toFixed(1)} MiB`);
  });

  it('reads the CSV once before a run: rows, the fingerprint of its bytes, progress from the first chunk', async () => {
    const lines = ['video_id,video_path', ...Array.from({ length: 30_000 }, (_, i) => `v${i},clips/ünïcode ✓ ${i}.mp4`)];
    const text = `\uFEFF${lines.join('\r\n')}\r\n`;
    const csv = await write('scan.csv', text);
    const progress: number[] = [];
    const scan = await scanCsv(csv, { videoCol: 'video_path', idCol: 'video_id' }, ({ bytesRead, totalBytes }) => {
      assert.equal(totalBytes, Buffer.byteLength(text));
      progress.push(bytesRead);
    });
    assert.equal(scan.totalRows, 30_000);
    assert.deepEqual(scan.fingerprint, { csvSha256: createHash('sha256').update(text).digest('hex'), videoCol: 'video_path', idCol: 'video_id' });
    assert.ok(progress.length > 2 && progress.at(-1) === Buffer.byteLength(text), `progress ${progress.join(', ')}`);
    const rows = await rowsOf(csv, { videoCol: 'video_path', idCol: 'video_id' });
    // Multi-byte characters straddle the 64 KiB reads: each must come out whole.
    rows.forEach((row, at) => assert.equal(row.rawPath, `clips/ünïcode ✓ ${at}.mp4`));
  });

  it('tells duplicate ids exactly, also when their hashes collide', async () => {
    const ids = ['aa', 'bb', 'cc', 'aa', 'dd', 'bb', 'ccc', 'cc', 'aa', 'eee'];
    // A hash that gives every id of one length the same value: each id of length 2 collides with the rest.
    const collisions = new DuplicateIds((id) => [7, id.length]);
    const exact = new DuplicateIds();
    for (const id of ids) [collisions, exact].forEach((duplicates) => duplicates.noteId(id));
    [collisions, exact].forEach((duplicates) => duplicates.endFirstPass());
    const expected = ids.map((id, at) => ids.indexOf(id) < at);
    assert.deepEqual(ids.map((id) => collisions.isRepeat(id)), expected);
    assert.deepEqual(ids.map((id) => exact.isRepeat(id)), expected);
  });

  it('finds the duplicates among 300k ids holding only those', async () => {
    const lines = ['video_id,video_path'];
    for (let i = 0; i < 300_000; i++) lines.push(`clip-${i % 299_990},v.mp4`);
    const csv = await write('many-ids.csv', lines.join('\n'));
    const rows = await rowsOf(csv, { videoCol: 'video_path', idCol: 'video_id' });
    const duplicates = rows.filter((row) => row.problem === 'duplicate_id').map((row) => row.rowNumber);
    assert.deepEqual(duplicates, Array.from({ length: 10 }, (_, i) => 299_991 + i));
  });
});
