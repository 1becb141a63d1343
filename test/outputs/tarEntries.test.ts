import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { BLOCK_BYTES, checksumOf, endOfArchive, paxRecord, tarMember } from '../../kernel/src/outputs/webdataset/tarEntries';
import { SeededRandom } from '../faults/seededRandom';
import { listWithGnuTar, readShardsWithPython, sha256 } from './tarReadBack';

const MTIME = 1_700_000_000;

function concatenate(chunks: Uint8Array[]): Buffer {
  return Buffer.concat(chunks);
}

function archiveOf(members: Array<{ name: string; data: Uint8Array }>, mtime = MTIME): Buffer {
  return concatenate([...members.flatMap((member) => tarMember(member.name, member.data, mtime).chunks), endOfArchive()]);
}

describe('tar entries', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-tar-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes members that Python's tarfile and GNU tar read back: long, 100-byte and unicode names, sizes on and off block bounds", async () => {
    const random = new SeededRandom(17);
    const bytes = (size: number) => Uint8Array.from({ length: size }, () => random.integer(0, 255));
    // Lengths around 100 (ustar's field) and around the PAX record lengths where the length's own digits grow (99/100, 999/1000).
    const names = [
      'a.json',
      `${'n'.repeat(95)}.json`, // exactly 100 bytes: no NUL terminator in the field
      `${'n'.repeat(96)}.json`, // 101 bytes: PAX
      ...[84, 85, 86, 87, 88].map((length) => `é${'u'.repeat(length - 2)}.jpg`), // non-ASCII: PAX even though short
      ...[988, 989, 990, 991].map((length) => `${'l'.repeat(length - 4)}.jpg`),
      'vidéo_日本語.0000.jpg',
      'emoji_🎞️.json',
    ];
    const sizes = [0, 1, 511, 512, 513, 1024, 4096, 10_000];
    const members = names.map((name, index) => ({ name, data: bytes(sizes[index % sizes.length]) }));
    const archive = path.join(dir, 'members.tar');
    await writeFile(archive, archiveOf(members));

    const [read] = await readShardsWithPython([archive]);
    const readMembers = read.samples.flatMap((sample) => sample.files.map((file) => ({ name: `${sample.key}.${file.extension}`, ...file })));
    assert.deepEqual(
      readMembers.map((member) => member.name),
      names,
      'every name whole, in order',
    );
    for (const [index, member] of readMembers.entries()) {
      assert.equal(member.sha256, sha256(members[index].data), `${names[index]}: the same bytes`);
      assert.deepEqual([member.mode, member.mtime, member.uid, member.gid, member.uname, member.gname], [0o644, MTIME, 0, 0, '', '']);
    }
    assert.deepEqual(await listWithGnuTar(archive), names);
  });

  it('lays out one block-aligned header with a valid checksum, and the same bytes for the same input', () => {
    const data = Buffer.from('{"id":"vid_0001"}');
    const member = tarMember('vid_0001.json', data, MTIME);
    const bytes = concatenate(member.chunks);
    assert.equal(member.byteLength, bytes.length);
    assert.equal(bytes.length, BLOCK_BYTES + BLOCK_BYTES, 'header, then data padded to a block');
    const header = bytes.subarray(0, BLOCK_BYTES);
    assert.equal(parseInt(header.toString('ascii', 148, 154), 8), checksumOf(header));
    assert.equal(header.toString('ascii', 257, 263), 'ustar\0');
    assert.equal(header.toString('ascii', 124, 135), data.length.toString(8).padStart(11, '0'));
    assert.equal(header.toString('ascii', 136, 147), MTIME.toString(8).padStart(11, '0'));
    assert.deepEqual(bytes.subarray(BLOCK_BYTES + data.length), Buffer.alloc(BLOCK_BYTES - data.length), 'zero padding');
    assert.deepEqual(concatenate(tarMember('vid_0001.json', Buffer.from(data), MTIME).chunks), bytes, 'deterministic');
    assert.deepEqual(endOfArchive(), new Uint8Array(2 * BLOCK_BYTES));
    const empty = new Uint8Array(0);
    assert.equal(tarMember(`${'n'.repeat(95)}.json`, empty, MTIME).byteLength, BLOCK_BYTES, 'a 100-byte name fits the ustar header');
    assert.equal(tarMember(`${'n'.repeat(96)}.json`, empty, MTIME).byteLength, 3 * BLOCK_BYTES, 'a longer one takes a PAX header and its record');
  });

  it("counts a PAX record's own length digits", () => {
    for (const valueLength of [0, 1, 89, 90, 91, 92, 988, 989, 990, 991, 9_988, 9_989, 9_990]) {
      const record = paxRecord('path', 'v'.repeat(valueLength));
      const [length] = record.split(' ');
      assert.equal(Number(length), Buffer.byteLength(record), `a value of ${valueLength} characters`);
    }
    assert.equal(paxRecord('path', 'é'), '11 path=é\n', 'the length counts UTF-8 bytes');
  });

  it('refuses what ustar cannot hold', () => {
    assert.throws(() => tarMember('', new Uint8Array(0), MTIME), /needs a name/);
    assert.throws(() => tarMember('a.json', new Uint8Array(0), -1), /mtime/);
    assert.throws(() => tarMember('a.json', new Uint8Array(0), 1.5), /mtime/);
  });
});
