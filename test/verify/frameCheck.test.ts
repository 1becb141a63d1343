import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONVERTED, EXACT, pixelDifference, toleranceFor, withinTolerance } from '../../kernel/src/verify/frameComparison';
import { sampleVideoRows } from '../../kernel/src/verify/rowSample';
import { seededRandom } from '../../kernel/src/verify/seededRandom';
import { chooseFrames } from '../../kernel/src/verify/videoCheck';
import { uniformIndices } from '../../kernel/src/video/frameSampling';
import { CsvColumnError } from '../../kernel/src/csv/videoRows';

describe('verify: comparing frames', () => {
  const picture = () => Uint8Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 7) % 256);

  it('finds no difference between equal pictures, and the mean and the largest one in a tampered copy', () => {
    const engine = picture();
    assert.deepEqual(pixelDifference(engine, picture()), { mean: 0, max: 0 });
    assert.ok(withinTolerance(pixelDifference(engine, picture()), EXACT));
    const tampered = picture();
    tampered[100] = (tampered[100] + 200) % 256;
    tampered[5000] = tampered[5000] ^ 1;
    const difference = pixelDifference(engine, tampered);
    assert.equal(difference.max, Math.max(Math.abs(engine[100] - tampered[100]), 1));
    assert.equal(difference.mean, (Math.abs(engine[100] - tampered[100]) + 1) / engine.length);
    // One level off in one channel of one pixel is a different frame for the exact backend, not for a converted one.
    assert.equal(withinTolerance(difference, EXACT), false);
    assert.equal(withinTolerance(difference, CONVERTED), true);
  });

  it('refuses pictures of different sizes, naming both', () => {
    assert.throws(() => pixelDifference(new Uint8Array(12), new Uint8Array(9)), /12 bytes from the engine, 9 decoded/);
  });

  it('asks exactness of the libav backend on the CPU only', () => {
    assert.deepEqual(toleranceFor('libav', 'cpu'), EXACT);
    assert.deepEqual(toleranceFor('libav', 'gpu'), CONVERTED);
    assert.deepEqual(toleranceFor('ffmpeg', 'cpu'), CONVERTED);
  });
});

describe('verify: choosing frames', () => {
  it("takes the keyframes built-in's frames, then different random ones, the same for the same seed", () => {
    const chosen = chooseFrames(300, 16, 4, seededRandom(9));
    assert.deepEqual(chosen.slice(0, 16), uniformIndices(300, 16));
    assert.equal(new Set(chosen).size, 20);
    assert.ok(chosen.every((index) => Number.isInteger(index) && index >= 0 && index < 300));
    assert.deepEqual(chooseFrames(300, 16, 4, seededRandom(9)), chosen);
    assert.notDeepEqual(chooseFrames(300, 16, 4, seededRandom(10)), chosen);
  });

  it('takes every frame once of a video shorter than the frames asked for', () => {
    assert.deepEqual([...chooseFrames(18, 16, 4, seededRandom(1))].sort((a, b) => a - b), Array.from({ length: 18 }, (_, i) => i));
    assert.deepEqual(chooseFrames(5, 16, 4, seededRandom(1)), [0, 1, 2, 3, 4]);
  });
});

describe('verify: drawing rows', () => {
  let dir: string;
  let csvPath: string;
  const ROWS = 2000;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-sample-'));
    csvPath = path.join(dir, 'rows.csv');
    const rows = ['id,path'];
    for (let row = 1; row <= ROWS; row++) rows.push(row % 100 === 0 ? `id${row},` : `id${row},videos/v${row}.mp4`);
    rows.push('id1,videos/again.mp4', 'other,videos/v1.mp4');
    await writeFile(csvPath, `${rows.join('\n')}\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('draws N rows of M in CSV order, the same for the same seed, others for another', async () => {
    const draw = (seed: number) => sampleVideoRows(csvPath, { videoCol: 'path', idCol: 'id' }, 10, seededRandom(seed));
    const first = await draw(42);
    assert.equal(first.totalRows, ROWS + 2);
    assert.equal(first.rows.length, 10);
    assert.deepEqual(first.rows.map((row) => row.rowNumber), [...first.rows.map((row) => row.rowNumber)].sort((a, b) => a - b));
    assert.deepEqual((await draw(42)).rows, first.rows);
    assert.notDeepEqual((await draw(43)).rows.map((row) => row.id), first.rows.map((row) => row.id));
    for (const row of first.rows) assert.equal(row.videoPath, path.join(dir, row.rawPath));
  });

  it('never draws a row without a path, and spreads its draws over the whole CSV', async () => {
    const counts = new Array<number>(4).fill(0);
    for (let seed = 0; seed < 100; seed++) {
      const { rows } = await sampleVideoRows(csvPath, { videoCol: 'path', idCol: 'id' }, 10, seededRandom(seed));
      assert.ok(rows.every((row) => row.rawPath !== '' && !row.problem));
      for (const row of rows) counts[Math.min(3, Math.floor(((row.rowNumber - 1) * 4) / ROWS))]++;
    }
    // 1,000 draws over four quarters of the CSV: about 250 each (a reservoir that kept the first or last rows would not be).
    for (const count of counts) assert.ok(count > 180 && count < 320, `draws per quarter: ${counts.join(', ')}`);
  });

  it('holds each id and each video once when it draws every row', async () => {
    const { rows, candidates } = await sampleVideoRows(csvPath, { videoCol: 'path', idCol: 'id' }, 5000, seededRandom(1));
    assert.equal(candidates, ROWS - ROWS / 100);
    assert.equal(new Set(rows.map((row) => row.id)).size, rows.length);
    assert.equal(new Set(rows.map((row) => row.videoPath)).size, rows.length);
  });

  it('names the columns that exist when one is missing', async () => {
    await assert.rejects(sampleVideoRows(csvPath, { videoCol: 'video' }, 3, seededRandom(1)), (error: Error) => error instanceof CsvColumnError && /'id', 'path'/.test(error.message));
  });
});
