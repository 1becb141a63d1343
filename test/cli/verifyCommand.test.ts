import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { resolveFfmpegBinary } from '../../kernel/src/decode/ffmpegCli/ffmpegBinary';
import { runProgram } from '../../kernel/src/runProgram';
import type { VerifyReport } from '../../kernel/src/verify/verifyDataset';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { runCli } from './cliRun';

const MJPEG_FRAMES = 40;
const DAMAGED_FRAME = 17;

/**
 * A Motion-JPEG AVI whose frame DAMAGED_FRAME lost its picture: its packet is still indexed (the
 * engine counts it), but the decoder refuses it, so a front-to-back decode puts out one frame less.
 */
async function writeDamagedMjpeg(file: string): Promise<void> {
  await runProgram(resolveFfmpegBinary().ffmpeg, {
    args: ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=96x64:rate=25`, '-frames:v', String(MJPEG_FRAMES), '-c:v', 'mjpeg', '-q:v', '5', file],
  }, 'ffmpeg');
  const bytes = await readFile(file);
  const starts: number[] = [];
  for (let at = bytes.indexOf('ffd8ff', 0, 'hex'); at >= 0; at = bytes.indexOf('ffd8ff', at + 3, 'hex')) starts.push(at);
  assert.equal(starts.length, MJPEG_FRAMES);
  bytes.fill(0, starts[DAMAGED_FRAME], starts[DAMAGED_FRAME + 1] - 16);
  await writeFile(file, bytes);
}

describe('CLI: verify', function () {
  let data: DatasetFixture;
  const verify = (...flags: string[]) => runCli(['verify', data.csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--device', 'cpu', ...flags]);
  const report = (stdout: string) => JSON.parse(stdout) as VerifyReport;

  before(async () => {
    data = await makeDataset({ goodVideos: 4, frameCount: 40 });
  });
  after(() => data.cleanup());

  it("checks every video of a small CSV, a line each, and exits 0 when the engine's frames are the decoded ones", async () => {
    const run = await verify('--seed', '7');
    assert.equal(run.code, 0, run.stderr);
    for (const id of data.goodIds) assert.match(run.stdout, new RegExp(`^${id} \\(.*${id}\\.mp4\\): ok \\(20 frames of 40\\)$`, 'm'));
    // A video that cannot be opened is reported, not taken for a difference.
    assert.match(run.stdout, /^broken \(.*broken\.mp4\): failed: .*broken\.mp4/m);
    assert.match(run.stdout, /^missing \(.*missing\.mp4\): failed: .*No such file/m);
    // The repeated clip0 row and the row without a path are not drawn.
    assert.equal(run.stdout.match(/^clip0 /gm)?.length, 1);
    assert.doesNotMatch(run.stdout, /nopath/);
    assert.match(run.stdout, /^checked 6 of 6 videos \(8 rows; seed 7; libav on cpu, frames must be equal\): 4 ok, 0 differ, 2 failed$/m);
  });

  it('draws --sample N of the rows, the same ones for the same --seed, and prints one JSON object with --json', async () => {
    const ids = async (seed: string) => {
      const run = await verify('--sample', '2', '--seed', seed, '--frames', '4', '--random-frames', '1', '--json');
      assert.equal(run.code === 0 || run.code === 2, true, run.stderr);
      return report(run.stdout);
    };
    const first = await ids('11');
    assert.deepEqual(Object.keys(first), ['csv_path', 'seed', 'total_rows', 'candidate_rows', 'backend', 'device', 'tolerance', 'ok', 'differs', 'failed', 'videos']);
    assert.equal(first.seed, 11);
    assert.equal(first.total_rows, 8);
    assert.equal(first.candidate_rows, 6);
    assert.deepEqual(first.tolerance, { mean: 0, max: 0 });
    assert.equal(first.videos.length, 2);
    const ok = first.videos.find((video) => video.status === 'ok');
    if (ok) {
      assert.equal(ok.engine_frames, 40);
      assert.equal(ok.decoded_frames, 40);
      assert.equal(ok.frames.length, 5);
      for (const index of [0, 13, 26, 39]) assert.ok(ok.frames.some((frame) => frame.index === index), `frame ${index} of --frames 4`);
      assert.ok(ok.frames.every((frame) => frame.equal && frame.mean === 0 && frame.max === 0));
    }
    assert.deepEqual((await ids('11')).videos.map((video) => video.id), first.videos.map((video) => video.id));
    const drawn = new Set<string>();
    for (const seed of ['1', '2', '3', '4', '5']) for (const video of (await ids(seed)).videos) drawn.add(video.id);
    assert.ok(drawn.size > 2, `five seeds drew only ${[...drawn].join(', ')}`);
  });

  it('exits 4 naming the counts when a video decodes to fewer frames than the engine counts', async () => {
    const damaged = path.join(data.dir, 'videos', 'damaged.avi');
    await writeDamagedMjpeg(damaged);
    const csvPath = path.join(data.dir, 'damaged.csv');
    await writeFile(csvPath, 'video_path\nvideos/damaged.avi\nvideos/clip1.mp4\n');
    const run = await runCli(['verify', csvPath, '--video-col', 'video_path', '--device', 'cpu', '--seed', '3', '--frames', '10', '--json']);
    assert.equal(run.code, 4, run.stderr);
    const [video, good] = report(run.stdout).videos;
    assert.equal(video.status, 'differs');
    assert.equal(video.engine_frames, MJPEG_FRAMES);
    assert.equal(video.decoded_frames, MJPEG_FRAMES - 1);
    assert.equal(good.status, 'ok');
    assert.match(video.error!, new RegExp(`cannot decode frame ${DAMAGED_FRAME} `));
    // Frames 0, 19 and 39 miss the damaged one: the engine gives them, and past the damage the decode runs one frame ahead.
    const text = await runCli(['verify', csvPath, '--video-col', 'video_path', '--device', 'cpu', '--seed', '3', '--frames', '3', '--random-frames', '0']);
    assert.equal(text.code, 4);
    const line = `damaged.avi): count differs: engine ${MJPEG_FRAMES}, decoded ${MJPEG_FRAMES - 1}; DIFFERS frame 19: mean `;
    assert.ok(text.stdout.includes(line), text.stdout);
    assert.match(text.stdout, /DIFFERS frame 19: mean [\d.]+ max \d+; DIFFERS frame 39: not among the decoded frames\n/);
    assert.doesNotMatch(text.stdout, /DIFFERS frame 0:/);
  });

  it('compares a turned video upright, as a run gives it, and as stored with --no-autorotate', async () => {
    const turned = path.join(data.dir, 'videos', 'turned.mp4');
    await runProgram(resolveFfmpegBinary().ffmpeg, { args: ['-v', 'error', '-y', '-i', path.join(data.dir, 'videos', 'clip1.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', turned] }, 'ffmpeg');
    const csvPath = path.join(data.dir, 'turned.csv');
    await writeFile(csvPath, 'video_path\nvideos/turned.mp4\n');
    for (const flags of [[], ['--no-autorotate'], ['--backend', 'ffmpeg']]) {
      const run = await runCli(['verify', csvPath, '--video-col', 'video_path', '--device', 'cpu', '--seed', '1', '--frames', '4', ...flags]);
      assert.equal(run.code, 0, `${flags.join(' ')}: ${run.stdout}${run.stderr}`);
      assert.match(run.stdout, /turned\.mp4\): ok \(8 frames of 40\)/);
    }
  });

  it('checks the ffmpeg backend within its tolerance', async () => {
    const run = await verify('--backend', 'ffmpeg', '--sample', '6', '--seed', '2', '--json');
    assert.equal(run.code, 0, run.stderr);
    const checked = report(run.stdout);
    assert.equal(checked.backend, 'ffmpeg');
    assert.equal(checked.ok, 4);
    assert.ok(checked.tolerance.mean > 0);
  });

  it('exits 2 naming the columns that exist when the video column is missing, or the CSV is', async () => {
    const run = await runCli(['verify', data.csvPath, '--video-col', 'path']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /'path'.*'video_id', 'video_path'/);
    const missing = await runCli(['verify', path.join(data.dir, 'nope.csv'), '--video-col', 'video_path']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.csv/);
    assert.equal((await runCli(['verify', data.csvPath])).code, 2);
  });

  it('prints every flag with its default and the exit codes with --help, and exits 0', async () => {
    const run = await runCli(['verify', '--help']);
    assert.equal(run.code, 0);
    for (const flag of ['--video-col', '--id-col', '--sample N', '--frames K', '--random-frames R', '--seed S', '--size PX', '--backend', '--device', '--json']) assert.ok(run.stdout.includes(flag), flag);
    assert.match(run.stdout, /--sample N .*\(default: 20\)/);
    assert.match(run.stdout, /--frames K .*\(default: 16\)/);
    for (const code of ['0', '1', '2', '4']) assert.match(run.stdout, new RegExp(`^  ${code}  `, 'm'));
    assert.match((await runCli(['--help'])).stdout, /verify <csv>/);
  });
});
