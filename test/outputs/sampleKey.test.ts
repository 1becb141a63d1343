import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { MAX_SAMPLE_KEY_LENGTH, sampleKey } from '../../kernel/src/outputs/webdataset/sampleKey';
import { videoSample } from '../../kernel/src/outputs/webdataset/videoSample';
import { SeededRandom } from '../faults/seededRandom';

const KEY = /^[A-Za-z0-9_-]+$/;
const hashOf = (id: string, digits: number) => createHash('sha256').update(id, 'utf8').digest('hex').slice(0, digits);

describe('sample keys', () => {
  it('keeps ids made only of [A-Za-z0-9_-] as they are', () => {
    for (const id of ['vid_0001', 'A-b_9', '0', '-', 'x'.repeat(MAX_SAMPLE_KEY_LENGTH)]) assert.equal(sampleKey(id), id);
  });

  it('replaces every other character with _ and appends 8 hex digits of the id’s sha256', () => {
    assert.equal(sampleKey('clip 1.mp4'), `clip_1_mp4-${hashOf('clip 1.mp4', 8)}`);
    assert.equal(sampleKey('vidéo'), `vid_o-${hashOf('vidéo', 8)}`);
    assert.equal(sampleKey('a🎞b'), `a_b-${hashOf('a🎞b', 8)}`, 'one _ per character, not per UTF-16 unit');
    assert.equal(sampleKey('/data/v.1/x'), `_data_v_1_x-${hashOf('/data/v.1/x', 8)}`);
  });

  it('keeps ids apart that clean to the same text', () => {
    const ids = ['a.b', 'a b', 'a/b', 'a_b', 'a:b', 'a\nb'];
    const keys = ids.map(sampleKey);
    assert.equal(new Set(keys).size, ids.length, keys.join(', '));
  });

  it('cuts long ids to a bounded key with 16 hash digits, keeping ids with a common beginning apart', () => {
    const folder = `/mnt/datasets/${'nested/'.repeat(20)}`;
    const ids = [`${folder}clip_0001.mp4`, `${folder}clip_0002.mp4`, 'y'.repeat(MAX_SAMPLE_KEY_LENGTH + 1)];
    const keys = ids.map(sampleKey);
    for (const [index, key] of keys.entries()) {
      assert.equal(key.length, MAX_SAMPLE_KEY_LENGTH);
      assert.ok(key.endsWith(`-${hashOf(ids[index], 16)}`), key);
    }
    assert.equal(new Set(keys).size, ids.length);
    // An id whose cleaned text plus 8 digits would just exceed the bound is cut too.
    assert.equal(sampleKey(`${'z'.repeat(MAX_SAMPLE_KEY_LENGTH - 9)}.`).length, MAX_SAMPLE_KEY_LENGTH);
  });

  it('gives the empty id a valid key', () => {
    assert.match(sampleKey(''), KEY);
    assert.equal(sampleKey(''), `-${hashOf('', 8)}`);
  });

  it('gives any id a key of [A-Za-z0-9_-], within the bound, the same every time', () => {
    const random = new SeededRandom(5);
    const alphabet = ['a', 'Z', '9', '_', '-', '.', ' ', '/', '\\', 'é', '日', '🎞', '\0', '\t'];
    for (let n = 0; n < 500; n++) {
      const id = Array.from({ length: random.integer(0, 120) }, () => random.pick(alphabet)).join('');
      const key = sampleKey(id);
      assert.match(key, KEY, JSON.stringify(id));
      assert.ok(key.length <= MAX_SAMPLE_KEY_LENGTH, JSON.stringify(id));
      assert.equal(sampleKey(id), key);
    }
  });

  it("makes a video's sample: the record as <key>.json, then one <key>.<NNNN>.jpg per frame in order", () => {
    const record = { id: 'clip 1.mp4', status: 'processed' };
    const frames = Array.from({ length: 12 }, (_, index) => Uint8Array.of(index));
    const sample = videoSample(record, frames);
    assert.equal(sample.key, sampleKey(record.id));
    assert.deepEqual(
      sample.files.map((file) => file.name),
      ['json', ...Array.from({ length: 12 }, (_, index) => `${String(index).padStart(4, '0')}.jpg`)],
    );
    assert.deepEqual(JSON.parse(Buffer.from(sample.files[0].data).toString('utf8')), record);
    assert.deepEqual(
      sample.files.slice(1).map((file) => file.data),
      frames,
    );
  });
});
