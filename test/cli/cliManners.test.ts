import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROCESS_COMMAND } from '../../kernel/src/cli/cliArguments';
import type { DoctorReport } from '../../kernel/src/doctor/doctorReport';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { runCli } from './cliRun';

const REPO = path.resolve(__dirname, '../../..');
const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('CLI help, version and doctor', function () {
  it('--help and -h list the commands and the exit codes, and exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const run = await runCli([flag]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: video-batch-kernel <command>/);
      for (const command of ['process <csv>', 'doctor']) assert.match(run.stdout, new RegExp(`^  ${command} `, 'm'));
      for (const code of ['0', '1', '2', '130']) assert.match(run.stdout, new RegExp(`^  ${code} +\\S`, 'm'));
    }
  });

  it('process --help prints every flag with its default', async () => {
    const run = await runCli(['process', '--help']);
    assert.equal(run.code, 0, run.stderr);
    for (const flag of PROCESS_COMMAND.flags) {
      const shown = run.stdout.split('\n').find((line) => line.includes(`--${flag.name}${flag.value ? ` ${flag.value}` : ''} `));
      assert.ok(shown, `--${flag.name} is listed`);
      if (flag.defaultText) assert.ok(shown.endsWith(`(default: ${flag.defaultText})`), shown);
    }
    assert.match(run.stdout, /--num-frames N .*\(default: 16\)/);
    assert.match(run.stdout, /--timeout SECONDS .*\(default: 600\)/);
    assert.match(run.stdout, /^  130 +interrupted/m);
  });

  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    assert.deepEqual({ code: run.code, stdout: run.stdout }, { code: 0, stdout: `${VERSION}\n` });
  });

  it('exits 2 on an unknown command or flag, pointing at the help', async () => {
    const unknownCommand = await runCli(['proces']);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /unknown command 'proces' \(commands: process, submit, worker, status, merge, verify, doctor\)/);
    const unknownFlag = await runCli(['process', 'x.csv', '--video-col', 'v', '--frames', '3']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /--frames[\s\S]*see video-batch-kernel process --help/);
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage:/);
  });

  it('doctor --json: versions, decoders, a real CPU decode, each CUDA device with a verdict, the ffmpeg backend', async () => {
    const run = await runCli(['doctor', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as DoctorReport;
    assert.equal(report.ok, true);
    assert.deepEqual({ node: report.versions.node, kernel: report.versions.videoBatchKernel }, { node: process.version, kernel: VERSION });
    assert.match(report.versions.nodeAv ?? '', /^\d+\.\d+\.\d+/);
    const decoders = new Map(report.libav!.decoders.map((decoder) => [decoder.codec, decoder]));
    for (const codec of ['h264', 'hevc', 'vp9', 'av1']) assert.equal(decoders.get(codec)?.available, true, codec);
    assert.ok(report.libav!.hardwareDeviceTypes.includes('cuda'));
    assert.equal(report.cpuDecode.works, true);
    assert.ok(report.cpuDecode.framesDecoded! > 0);
    assert.ok(report.cuda.devices.length >= 1);
    for (const device of report.cuda.devices) assert.ok(device.works || (device.reason ?? '').length > 10, JSON.stringify(device));
    if (!report.cuda.devices.some((device) => device.works)) {
      assert.equal(report.autoDevice.device, 'cpu');
      assert.equal(report.autoDevice.reason, report.cuda.devices[0]!.reason);
    }
    assert.equal(report.ffmpegBackend.works, true, JSON.stringify(report.ffmpegBackend));
    // The program's own hardware decoding (Debian's lists cuda), which `auto` asks about with that backend.
    assert.ok(report.ffmpegBackend.works && report.ffmpegBackend.hwaccels.includes('cuda'), JSON.stringify(report.ffmpegBackend));
  });

  it('doctor still exits 0 without an ffmpeg program, and says what it looked for', async () => {
    const run = await runCli(['doctor'], { env: { ...process.env, PATH: '/nonexistent', FFMPEG_PATH: '' } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ {2}CPU decoding +works: \d+ frames/m);
    assert.match(run.stdout, /^ {2}CUDA device 0 +(works|does not work: .+)$/m);
    assert.match(run.stdout, /^ {2}ffmpeg backend +not usable: no ffmpeg program found .*FFMPEG_PATH is not set; no executable ffmpeg in any PATH folder/m);
    assert.match(run.stdout, /^OK: videos decode on the CPU here\.$/m);
  });

  describe('with a GPU asked for', () => {
    let data: DatasetFixture;
    before(async () => {
      data = await makeDataset({ goodVideos: 6 });
    });
    after(() => data.cleanup());

    it('--device gpu where no GPU decodes says so once, with the reason, and decodes on the CPU', async function () {
      const run = await runCli(['process', data.csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'metadata', '--workers', '3', '--device', 'gpu', '--gpus', '97']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as { processed: number }).processed, 6);
      const deviceLines = run.stderr.split('\n').filter((line) => /GPU|CUDA/.test(line));
      assert.equal(deviceLines.length, 1, run.stderr);
      assert.match(deviceLines[0]!, /^decoding on CPU \(GPU asked for\): (no NVIDIA GPU device node|no CUDA device 97)/);
    });
  });
});
