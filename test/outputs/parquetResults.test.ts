import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type JS } from '@duckdb/node-api';
import { temporaryNameFor } from '../../kernel/src/checkpoint/atomicFile';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { inferResultColumns } from '../../kernel/src/outputs/parquetColumns';
import { PARQUET_RESULTS_FILE, writeResultsParquet } from '../../kernel/src/outputs/parquetResults';

const record = (id: string, status: ProcessingRecord['status'], extra: Partial<ProcessingRecord> = {}): ProcessingRecord => ({ id, video_path: `/v/${id}.mp4`, status, time: 0.25, ...extra });

const METADATA = { duration: 10.5, width: 1080, height: 1920, rotation: -90, sample_aspect_ratio: '1:1', fps: 29.97, num_frames: 315, codec: 'h264', pix_fmt: 'yuv420p', num_random_access_frames: 11, bits_per_pixel: 0.125, bit_rate: 5_000_000 };
const KEYFRAMES = {
  num_frames: 3,
  indices: [0, 10, 20],
  timestamps: [0, 0.4, 0.8],
  frames: [0, 10, 20].map((index) => ({ index, timestamp: index / 25, path: `/out/keyframes/k/frame_${String(index).padStart(6, '0')}.jpg` })),
  width: 224,
  height: 126,
  duration: 1.25,
};
const ODD = 'quote " \' back\\slash\nnew line\ttab, comma; naïve 🎬 日本';

const RECORDS: ProcessingRecord[] = [
  record('meta', 'processed', { result: METADATA, time: 1.5 }),
  record('keys', 'processed', { result: KEYFRAMES }),
  record('broken', 'failed', { error: 'moov atom not found' }),
  record('again', 'skipped', { error: "row 5: id 'meta' appeared on an earlier row" }),
  // Fields named like the record's own columns, and a whole-number fps beside 29.97 (so a double).
  record('clash', 'processed', { result: { id: 'inner', status: 'fine', result: 7, fps: 25 } }),
  record(ODD, 'processed', { video_path: `/v/${ODD}.mp4`, result: { codec: ODD, timestamps: [] }, error: ODD }),
  // Another type than the column's: a number where codec holds strings, timestamps with a string.
  record('mixed', 'processed', { result: { codec: 264, width: 'wide', timestamps: [0, 'x'] } }),
];

/** Every column of the file with its DuckDB type, in order. */
const EXPECTED_TYPES = [
  ['id', 'VARCHAR'],
  ['video_path', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['error', 'VARCHAR'],
  ['time', 'DOUBLE'],
  ['bit_rate', 'BIGINT'],
  ['bits_per_pixel', 'DOUBLE'],
  ['codec', 'VARCHAR'],
  ['duration', 'DOUBLE'],
  ['fps', 'DOUBLE'],
  ['height', 'BIGINT'],
  ['num_frames', 'BIGINT'],
  ['num_random_access_frames', 'BIGINT'],
  ['pix_fmt', 'VARCHAR'],
  ['result_id', 'VARCHAR'],
  ['result_result', 'BIGINT'],
  ['result_status', 'VARCHAR'],
  ['rotation', 'BIGINT'],
  ['sample_aspect_ratio', 'VARCHAR'],
  ['width', 'BIGINT'],
  ['timestamps', 'DOUBLE[]'],
  ['result', 'VARCHAR'],
];

const NO_RESULT_FIELDS = Object.fromEntries(EXPECTED_TYPES.slice(5, -2).map(([name]) => [name, null]));

/** The row each record must read back as. */
const EXPECTED_ROWS: Record<string, JS>[] = [
  { ...NO_RESULT_FIELDS, id: 'meta', video_path: '/v/meta.mp4', status: 'processed', error: null, time: 1.5, duration: 10.5, width: 1080n, height: 1920n, rotation: -90n, sample_aspect_ratio: '1:1', fps: 29.97, num_frames: 315n, codec: 'h264', pix_fmt: 'yuv420p', num_random_access_frames: 11n, bits_per_pixel: 0.125, bit_rate: 5_000_000n, timestamps: null, result: JSON.stringify(METADATA) },
  { ...NO_RESULT_FIELDS, id: 'keys', video_path: '/v/keys.mp4', status: 'processed', error: null, time: 0.25, num_frames: 3n, width: 224n, height: 126n, duration: 1.25, timestamps: [0, 0.4, 0.8], result: JSON.stringify(KEYFRAMES) },
  { ...NO_RESULT_FIELDS, id: 'broken', video_path: '/v/broken.mp4', status: 'failed', error: 'moov atom not found', time: 0.25, timestamps: null, result: null },
  { ...NO_RESULT_FIELDS, id: 'again', video_path: '/v/again.mp4', status: 'skipped', error: "row 5: id 'meta' appeared on an earlier row", time: 0.25, timestamps: null, result: null },
  { ...NO_RESULT_FIELDS, id: 'clash', video_path: '/v/clash.mp4', status: 'processed', error: null, time: 0.25, result_id: 'inner', result_status: 'fine', result_result: 7n, fps: 25, timestamps: null, result: '{"id":"inner","status":"fine","result":7,"fps":25}' },
  { ...NO_RESULT_FIELDS, id: ODD, video_path: `/v/${ODD}.mp4`, status: 'processed', error: ODD, time: 0.25, codec: ODD, timestamps: [], result: JSON.stringify({ codec: ODD, timestamps: [] }) },
  { ...NO_RESULT_FIELDS, id: 'mixed', video_path: '/v/mixed.mp4', status: 'processed', error: null, time: 0.25, timestamps: null, result: '{"codec":264,"width":"wide","timestamps":[0,"x"]}' },
];

/** Yields `count` small records, one at a time, as a checkpoint's journal does. */
function* tinyRecords(count: number): Generator<ProcessingRecord> {
  for (let n = 0; n < count; n++) yield { id: `v${n}`, video_path: `/v/${n}.mp4`, status: n % 10 === 9 ? 'failed' : 'processed', time: n / 1000, ...(n % 10 === 9 ? { error: `e${n}` } : { result: { num_frames: n, timestamps: [n, n + 0.5] } }) };
}

/** The pid of a process that has exited, as a killed writer's is. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('processing_results.parquet', () => {
  let dir: string;
  let file: string;
  let duckdb: DuckDBInstance;
  let connection: DuckDBConnection;

  before(async () => {
    duckdb = await DuckDBInstance.create(':memory:');
    connection = await duckdb.connect();
  });
  after(() => {
    connection.closeSync();
    duckdb.closeSync();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-parquet-'));
    file = path.join(dir, PARQUET_RESULTS_FILE);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const rowsOf = async (sql: string) => (await connection.runAndReadAll(sql.replaceAll('$file', `read_parquet('${file}')`))).getRowObjectsJS();
  const columnTypes = async () => (await rowsOf('DESCRIBE SELECT * FROM $file')).map((row) => [row.column_name, row.column_type]);
  const rowGroupCount = async () => Number((await rowsOf(`SELECT count(DISTINCT row_group_id) AS groups FROM parquet_metadata('${file}')`))[0].groups);

  it('writes one typed row per record of every status, in input order, with the whole result as JSON', async () => {
    const summary = await writeResultsParquet(file, () => RECORDS);
    assert.deepEqual(summary, { rows: RECORDS.length, columns: EXPECTED_TYPES.map(([name]) => name) });
    assert.deepEqual(await columnTypes(), EXPECTED_TYPES);
    assert.deepEqual(await rowsOf('SELECT * FROM $file'), EXPECTED_ROWS);
    const results = await rowsOf('SELECT result FROM $file');
    assert.deepEqual(
      results.map((row) => (row.result === null ? undefined : JSON.parse(row.result as string))),
      RECORDS.map((written) => written.result),
    );
    assert.deepEqual(await readdir(dir), [PARQUET_RESULTS_FILE], 'no temporary left');
  });

  it('keeps the built-ins\' field types whatever the data: whole-number fps and durations stay DOUBLE', async () => {
    const whole = { duration: 2, width: 160, height: 120, fps: 25, num_frames: 50, codec: 'h264', bits_per_pixel: 1, my_count: 3, my_ratio: 4 };
    await writeResultsParquet(file, () => [record('whole', 'processed', { result: whole }), record('text', 'processed', { result: { ...whole, my_ratio: 0.5 } })]);
    const types = Object.fromEntries(await columnTypes());
    assert.deepEqual(
      ['duration', 'fps', 'bits_per_pixel', 'width', 'height', 'num_frames', 'codec', 'my_count', 'my_ratio'].map((name) => types[name]),
      ['DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT', 'BIGINT', 'BIGINT', 'VARCHAR', 'BIGINT', 'DOUBLE'],
    );
    assert.deepEqual(await rowsOf('SELECT fps, duration FROM $file'), [{ fps: 25, duration: 2 }, { fps: 25, duration: 2 }]);
  });

  it('writes a file with the fixed columns and no rows when there are no records', async () => {
    assert.deepEqual(await writeResultsParquet(file, () => []), { rows: 0, columns: ['id', 'video_path', 'status', 'error', 'time', 'timestamps', 'result'] });
    assert.deepEqual(await columnTypes(), [['id', 'VARCHAR'], ['video_path', 'VARCHAR'], ['status', 'VARCHAR'], ['error', 'VARCHAR'], ['time', 'DOUBLE'], ['timestamps', 'DOUBLE[]'], ['result', 'VARCHAR']]);
    assert.deepEqual(await rowsOf('SELECT count(*) AS rows FROM $file'), [{ rows: 0n }]);
  });

  it('names result columns apart from every other column, case aside, and keeps nested fields in the JSON only', () => {
    const fields = { ID: 'x', FPS: 1, fps: 2.5, result_ID: 3, Timestamps: 'late', '': 4, nested: { a: 1 }, list: [1], flag: true, later: null };
    const columns = inferResultColumns([record('a', 'processed', { result: fields }), record('b', 'processed', { result: { later: 'text', flag: 'no' } })]);
    assert.deepEqual(columns, [
      { name: 'FPS', field: 'FPS', kind: 'int64' },
      { name: 'flag', field: 'flag', kind: 'boolean' },
      { name: 'later', field: 'later', kind: 'string' },
      { name: 'result_ID', field: 'result_ID', kind: 'int64' },
      { name: 'result_Timestamps', field: 'Timestamps', kind: 'string' },
      { name: 'result_fps', field: 'fps', kind: 'double' },
      { name: 'result_result_ID', field: 'ID', kind: 'string' },
    ]);
  });

  it('streams many records through several row groups, calling the factory once per pass', async () => {
    let calls = 0;
    const count = 250_000;
    const summary = await writeResultsParquet(file, () => (calls++, tinyRecords(count)), { rowGroupRows: 100_000 });
    assert.equal(calls, 2);
    assert.equal(summary.rows, count);
    assert.equal(await rowGroupCount(), 3);
    assert.deepEqual(await rowsOf('SELECT count(*) AS rows, count(error) AS errors, sum(num_frames) AS frames FROM $file'), [{ rows: 250_000n, errors: 25_000n, frames: 28_124_775_000n }]);
    const picked = await rowsOf('SELECT id, status, error, num_frames, timestamps FROM read_parquet(\'$path\', file_row_number = true) WHERE file_row_number IN (0, 99999, 100000, 249998) ORDER BY file_row_number'.replace('$path', file));
    assert.deepEqual(picked, [
      { id: 'v0', status: 'processed', error: null, num_frames: 0n, timestamps: [0, 0.5] },
      { id: 'v99999', status: 'failed', error: 'e99999', num_frames: null, timestamps: null },
      { id: 'v100000', status: 'processed', error: null, num_frames: 100_000n, timestamps: [100_000, 100_000.5] },
      { id: 'v249998', status: 'processed', error: null, num_frames: 249_998n, timestamps: [249_998, 249_998.5] },
    ]);
  });

  it('ends a row group early when its cells grow past the byte limit', async () => {
    const large = (n: number) => record(`v${n}`, 'processed', { result: { caption: 'x'.repeat(10_000) } });
    await writeResultsParquet(file, () => Array.from({ length: 300 }, (_, n) => large(n)), { rowGroupBytes: 1 << 20 });
    assert.ok((await rowGroupCount()) >= 3, 'about 100 rows of 10 KB each per 1 MiB group');
    assert.deepEqual(await rowsOf('SELECT count(*) AS rows, min(length(caption)) AS shortest FROM $file'), [{ rows: 300n, shortest: 10_000n }]);
  });

  it('leaves the previous file, or none, and no temporary when the records fail midway', async () => {
    const failingOnSecondPass = () => {
      let calls = 0;
      return () =>
        (function* () {
          const pass = ++calls;
          for (const each of tinyRecords(5_000)) {
            if (pass === 2 && each.id === 'v3000') throw new Error('journal unreadable');
            yield each;
          }
        })();
    };
    await assert.rejects(writeResultsParquet(file, failingOnSecondPass(), { rowGroupRows: 1_000 }), /journal unreadable/);
    assert.deepEqual(await readdir(dir), [], 'neither the file nor a temporary');

    await writeResultsParquet(file, () => RECORDS);
    const before = await readFile(file);
    await assert.rejects(writeResultsParquet(file, failingOnSecondPass(), { rowGroupRows: 1_000 }), /journal unreadable/);
    assert.deepEqual(await readdir(dir), [PARQUET_RESULTS_FILE]);
    assert.ok((await readFile(file)).equals(before), 'the previous file is intact');
  });

  it('clears the temporary of a writer that was killed', async () => {
    const abandoned = temporaryNameFor(file, exitedPid());
    await writeFile(abandoned, 'PAR1 half a file');
    await writeResultsParquet(file, () => RECORDS.slice(0, 1));
    assert.deepEqual(await readdir(dir), [PARQUET_RESULTS_FILE]);
  });
});
