import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResultRecords } from '../../kernel/src/checkpoint/resultRecords';
import { gridRecordsOf } from '../../kernel/src/display/gridRecords';
import { keyframesOutput } from '../../kernel/src/display/keyframesOutput';
import { recordHead } from '../../kernel/src/display/recordHead';
import type { KeyframesQuery } from '../../kernel/src/display/notebookOutputs';
import { BatchVideoProcessor, DecoderConfig, builtins, type ProcessingRecord } from '../../kernel/src/index';
import { generateVideo } from '../../samples/videoGenerator';

const ROWS = 30;

/** What a query should match, worked out from every record at once (the grid never holds them so). */
function expected(records: ProcessingRecord[], query: KeyframesQuery): ProcessingRecord[] {
  const needle = query.search.trim().toLowerCase();
  return records.filter((record) => (query.status === 'all' || record.status === query.status)
    && (record.id.toLowerCase().includes(needle) || record.video_path.toLowerCase().includes(needle)));
}

describe('keyframe grid pages, filtered and searched where the records are', function () {
  this.timeout(180_000);
  let dir: string;
  let records: ResultRecords;
  let all: ProcessingRecord[];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-grid-'));
    await mkdir(path.join(dir, 'videos'));
    for (let i = 0; i < 3; i++) await generateVideo({ path: path.join(dir, 'videos', `v${i}.mp4`), codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 10, gop: 5 });
    await writeFile(path.join(dir, 'videos', 'broken.mp4'), 'not a video\n');
    const rows = Array.from({ length: ROWS }, (_, i) => (i % 5 === 4 ? `Clip${String(i).padStart(2, '0')},videos/gone${i}.mp4` : `clip${String(i).padStart(2, '0')},videos/v${i % 3}.mp4`));
    await writeFile(path.join(dir, 'videos.csv'), ['video_id,video_path', ...rows, 'broken,videos/broken.mp4'].join('\n') + '\n');
    const results = await new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 2, checkpointPath: path.join(dir, 'run.ckpt.json') })
      .processDataset({ csvPath: path.join(dir, 'videos.csv'), videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 2, size: 32 }), outputDir: path.join(dir, 'out') });
    records = results.records;
    all = records.toArray();
    assert.deepEqual([results.stats.processed, results.stats.failed], [24, 7]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('pages the videos with keyframes by default, the failures or every row by status, from the run\'s journal', () => {
    const grid = gridRecordsOf(records);
    const processed = grid.page({ status: 'processed', search: '' }, 12, 12);
    assert.equal(processed.total, 24);
    assert.deepEqual(processed.records, expected(all, { status: 'processed', search: '' }).slice(12, 24));
    const failed = grid.page({ status: 'failed', search: '' }, 0, 12);
    assert.deepEqual([failed.total, failed.records.map((record) => record.id)], [7, ['Clip04', 'Clip09', 'Clip14', 'Clip19', 'Clip24', 'Clip29', 'broken']]);
    const every = grid.page({ status: 'all', search: '' }, 29, 12);
    assert.deepEqual([every.total, every.records.map((record) => record.id)], [ROWS + 1, ['Clip29', 'broken']]);
  });

  it('searches ids and paths case-insensitively, counting every match and keeping one page', () => {
    const grid = gridRecordsOf(records);
    for (const query of [
      { status: 'all', search: 'CLIP1' },
      { status: 'processed', search: ' clip1 ' },
      { status: 'failed', search: 'Gone' },
      { status: 'all', search: '/V2.MP4' },
      { status: 'failed', search: 'no such row' },
    ] satisfies KeyframesQuery[]) {
      const matches = expected(all, query);
      assert.ok(query.search === 'no such row' || matches.length > 3, `${query.search}: ${matches.length} matches`);
      const page = grid.page(query, 2, 3);
      assert.equal(page.total, matches.length, query.search);
      assert.deepEqual(page.records, matches.slice(2, 5), query.search);
      for (const offset of [0, 3, matches.length - 1]) {
        const again = grid.page(query, offset, 3);
        assert.deepEqual([again.total, again.records], [matches.length, matches.slice(offset, offset + 3)], `${query.search} from ${offset}, from the matches remembered`);
      }
    }
    assert.deepEqual(grid.page({ status: 'processed', search: 'clip1' }, 0, 2).records, expected(all, { status: 'processed', search: 'clip1' }).slice(0, 2), 'another status: searched anew');
  });

  it("gives a failed row's error and its kind to the grid, and the query it answers", () => {
    const output = keyframesOutput(records, () => 'data:,', { query: { status: 'failed', search: 'gone1' }, pageSize: 12 });
    assert.deepEqual(output.query, { status: 'failed', search: 'gone1' });
    assert.deepEqual(output.videos.map(({ id, status, kind }) => [id, status, kind]), [['Clip14', 'failed', 'missing_file'], ['Clip19', 'failed', 'missing_file']]);
    assert.match(output.videos[0].error ?? '', /^file not found: .*gone14\.mp4$/);
    assert.deepEqual(output.videos[0].frames, []);
    const broken = keyframesOutput(records, () => 'data:,', { query: { status: 'all', search: 'BROKEN' } });
    assert.deepEqual(broken.videos.map(({ kind }) => kind), ['unreadable']);
  });

  it("reads a search's id and path from each record's bytes without parsing its frames", () => {
    for (const bytes of records.jsonBytes()) {
      const { id, video_path } = JSON.parse(bytes.toString('utf8')) as ProcessingRecord;
      assert.deepEqual(recordHead(bytes), { id, video_path });
    }
    const escaped = Buffer.from(JSON.stringify({ id: 'a "quoted" \\ id', video_path: '/v/é\n.mp4', status: 'processed' }));
    assert.deepEqual(recordHead(escaped), { id: 'a "quoted" \\ id', video_path: '/v/é\n.mp4' });
    assert.equal(recordHead(Buffer.from('{"video_path":"/v/a.mp4","id":"a"}')), undefined, 'another shape is parsed whole by the caller');
  });
});
