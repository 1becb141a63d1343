import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProcessingRecord } from '../../kernel/src/index';
import { findOnPath } from '../../kernel/src/pathLookup';
import { writeBrokenFiles } from '../../samples/brokenFiles';
import { generateVideo } from '../../samples/videoGenerator';
import { readResults, runCli } from '../cli/cliRun';

/**
 * Hostile CSVs and video rows, end to end through the CLI. Parsing details are unit-tested in
 * test/csv/videoRows.test.ts (BOM, CRLF, quoted newlines, chunk edges, empty and duplicate ids) and a
 * missing column's exit 2 in test/cli/cli.test.ts; here the same inputs go through whole runs.
 */
describe('hostile inputs', function () {
  let dir: string;
  const run = (csvPath: string, name: string, ...extra: string[]) =>
    runCli(['process', csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--num-frames', '4', '--size', '32', '--device', 'cpu',
      '--timeout', '60', '--out', path.join(dir, `out-${name}`), '--checkpoint', path.join(dir, `${name}.json`), ...extra], { cwd: dir });
  const byId = (records: ProcessingRecord[]) => new Map(records.map((record) => [record.id, record]));
  const good = () => path.join(dir, 'good.mp4');

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-hostile-'));
    await generateVideo({ path: good(), codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 20, gop: 10 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe('CSV files', () => {
    it('a BOM, CRLF, blank lines, quoted commas and newlines, unicode and spaces: every row runs under its own id', async () => {
      const names = ['a, with comma.mp4', 'line\nbreak.mp4', 'ünïcödé 名前 spaced out.mp4'];
      for (const name of names) await copyFile(good(), path.join(dir, name));
      const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
      const csv = path.join(dir, 'messy.csv');
      await writeFile(csv, `\uFEFFvideo_id,video_path\r\n\r\n${names.map((name, i) => `v${i},${quoted(name)}`).join('\r\n\r\n')}\r\n\r\n`);
      const outcome = await run(csv, 'messy');
      assert.equal(outcome.code, 0, outcome.stderr);
      const records = readResults(path.join(dir, 'out-messy'));
      assert.deepEqual(records.map((record) => [record.id, record.status, path.basename(record.video_path)]), names.map((name, i) => [`v${i}`, 'processed', name]));
    });

    it('header only: an empty run that exits 0 with an empty results file', async () => {
      const csv = path.join(dir, 'header-only.csv');
      await writeFile(csv, 'video_id,video_path\r\n');
      const outcome = await run(csv, 'header-only');
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.deepEqual(readResults(path.join(dir, 'out-header-only')), []);
      assert.equal((JSON.parse(outcome.stdout) as { total_videos: number }).total_videos, 0);
    });

    it('duplicate ids: the later row is recorded as skipped, naming the id, and never processed', async () => {
      const csv = path.join(dir, 'duplicates.csv');
      await writeFile(csv, 'video_id,video_path\nsame,good.mp4\nsame,good.mp4\n');
      const outcome = await run(csv, 'duplicates');
      assert.equal(outcome.code, 0, outcome.stderr);
      const records = readResults(path.join(dir, 'out-duplicates'));
      assert.deepEqual(records.map((record) => record.status), ['processed', 'skipped']);
      assert.equal(records[1].error, "row 2: id 'same' appeared on an earlier row");
    });

    it('a binary file given as the CSV: exit 2 saying so, without echoing its bytes', async () => {
      const outcome = await run(good(), 'binary');
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.match(outcome.stderr, /good\.mp4 is not a text CSV/);
      assert.doesNotMatch(outcome.stderr, /[\u0000-\u0008\u000e-\u001f]/, 'no control characters from the file');
      assert.ok(!existsSync(path.join(dir, 'out-binary')) && !existsSync(path.join(dir, 'binary.json')), 'nothing written');
    });
  });

  describe('video rows', () => {
    const hostileNames = ['-i.mp4', '$(touch pwned).mp4', '`touch pwned`.mp4', `q"uote's.mp4`, '<img src=x onerror=alert(1)>.mp4'];
    /** What each row must end as; an error pattern names the file and why. */
    const expectations: Record<string, { status: ProcessingRecord['status']; error?: RegExp; frames?: number }> = {
      missing: { status: 'failed', error: /^file not found: .*missing\.mp4$/ },
      zero_bytes: { status: 'failed', error: /zero\.mp4.*Invalid data found/ },
      truncated_index: { status: 'failed', error: /truncated\.mp4.*Invalid data found/ },
      text_as_mp4: { status: 'failed', error: /text\.mp4.*Invalid data found/ },
      audio_only: { status: 'failed', error: /no video stream in .*audio\.m4a/ },
      directory: { status: 'failed', error: /^not a file: .*folder\.mp4$/ },
      // Cut mid-stream: the frames before the cut are the video (ffmpeg and libav read them alike).
      truncated_stream: { status: 'processed', frames: 4 },
      // The keyframes formula floor(i*(F-1)/(N-1)) gives frame 0 N times: every row has N frames.
      one_frame: { status: 'processed', frames: 4 },
      ...Object.fromEntries(hostileNames.map((_name, i) => [`hostile${i}`, { status: 'processed' as const, frames: 4 }])),
    };
    let csv: string;

    before(async function () {
      const ffmpeg = findOnPath('ffmpeg');
      if (!ffmpeg) {
        console.log('      skipped: no ffmpeg program on PATH to make the audio-only file with');
        this.skip();
      }
      const videos = path.join(dir, 'videos');
      await mkdir(path.join(videos, 'folder.mp4'), { recursive: true });
      const broken = await writeBrokenFiles(videos, good());
      await generateVideo({ path: path.join(videos, 'one.mp4'), codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 1, gop: 10 });
      // Matroska has its header first: cut at 60 %, the first frames still play.
      const mkv = path.join(videos, 'whole.mkv');
      await generateVideo({ path: mkv, codec: 'h264', width: 96, height: 64, fps: 25, frameCount: 50, gop: 10 });
      const bytes = await readFile(mkv);
      await writeFile(path.join(videos, 'cut.mkv'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const audio = spawnSync(ffmpeg!, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=0.5', '-y', path.join(videos, 'audio.m4a')]);
      assert.equal(audio.status, 0, audio.stderr?.toString());
      for (const name of hostileNames) await copyFile(good(), path.join(videos, name));
      const rows: [string, string][] = [
        ['missing', 'missing.mp4'], ['zero_bytes', path.basename(broken.zeroBytes)], ['truncated_index', path.basename(broken.truncated)],
        ['text_as_mp4', path.basename(broken.text)], ['audio_only', 'audio.m4a'], ['directory', 'folder.mp4'], ['truncated_stream', 'cut.mkv'],
        ['one_frame', 'one.mp4'], ...hostileNames.map((name, i): [string, string] => [`hostile${i}`, name]),
      ];
      csv = path.join(videos, 'rows.csv');
      await writeFile(csv, `video_id,video_path\n${rows.map(([id, file]) => `${id},"${file.replace(/"/g, '""')}"`).join('\n')}\n`);
    });

    for (const backend of ['libav', 'ffmpeg']) {
      it(`every row accounted for with its own error, nothing executed (${backend} backend)`, async () => {
        const outcome = await run(csv, `rows-${backend}`, '--backend', backend);
        assert.equal(outcome.code, 0, outcome.stderr);
        const records = byId(readResults(path.join(dir, `out-rows-${backend}`)));
        assert.deepEqual([...records.keys()].sort(), Object.keys(expectations).sort(), 'one record per row');
        for (const [id, expected] of Object.entries(expectations)) {
          const record = records.get(id)!;
          assert.equal(record.status, expected.status, `${id}: ${record.error}`);
          if (expected.error) assert.match(record.error ?? '', expected.error, id);
          if (expected.frames !== undefined) assert.equal((record.result as { frames: unknown[] }).frames.length, expected.frames, id);
        }
        const executed = [dir, path.join(dir, 'videos'), process.cwd()].filter((folder) => readdirSync(folder).includes('pwned'));
        assert.deepEqual(executed, [], 'a file name was run as a command');
      });
    }

    it('an unreadable file: failed with the permission error', async function () {
      if (process.getuid?.() === 0) {
        console.log('      skipped: running as root, whom chmod 000 does not keep from reading a file');
        this.skip();
      }
      const locked = path.join(dir, 'locked.mp4');
      await copyFile(good(), locked);
      await chmod(locked, 0o000);
      const lockedCsv = path.join(dir, 'locked.csv');
      await writeFile(lockedCsv, 'video_id,video_path\nlocked,locked.mp4\n');
      for (const backend of ['libav', 'ffmpeg']) {
        const outcome = await run(lockedCsv, `locked-${backend}`, '--backend', backend);
        assert.equal(outcome.code, 0, outcome.stderr);
        const [record] = readResults(path.join(dir, `out-locked-${backend}`));
        assert.equal(record.status, 'failed');
        assert.match(record.error ?? '', /locked\.mp4.*(Permission denied|EACCES)/i);
      }
    });
  });
});
