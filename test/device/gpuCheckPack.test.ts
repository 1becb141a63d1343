import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { packGpuCheck, type PackedCheck } from '../../bench/gpuCheck/packGpuCheck';
import { splitIntoPieces } from '../../bench/gpuCheck/packPieces';

const PIECE_LIMIT = 64 * 2 ** 20;
const HAS_NVIDIA_DEVICE = existsSync('/dev/nvidia0');

describe('the GPU check, packed for a machine without Node or a registry', function () {
  let dir: string;
  let packed: PackedCheck;

  before(async function () {
    this.timeout(5 * 60_000);
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-gpu-check-test-'));
    packed = await packGpuCheck(path.join(dir, 'out'), true);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('cuts a file into pieces that join back into it, none empty', () => {
    const file = path.join(dir, 'whole');
    const bytes = Buffer.from(Array.from({ length: 50 }, (_, index) => index));
    writeFileSync(file, bytes);
    for (const [size, count] of [[10, 5], [7, 8], [50, 1], [64, 1]] as const) {
      const pieces = splitIntoPieces(file, path.join(dir, `piece-${size}-`), size);
      assert.equal(pieces.length, count);
      assert.deepEqual(Buffer.concat(pieces.map((piece) => readFileSync(piece))), bytes);
      assert.ok(pieces.every((piece) => readFileSync(piece).length <= size && readFileSync(piece).length > 0));
    }
  });

  it('packs Node, node-av with its native binary, dist/ and the clips in pieces under 64 MiB', () => {
    assert.ok(packed.pieces.length >= 1);
    for (const piece of packed.pieces) assert.ok(piece.bytes < PIECE_LIMIT, `${piece.file}: ${piece.bytes} bytes`);
    const joined = path.join(dir, 'joined.tar.gz');
    writeFileSync(joined, Buffer.concat(packed.pieces.map((piece) => readFileSync(piece.file))));
    const contents = execFileSync('tar', ['-tzf', joined], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }).split('\n');
    for (const entry of [
      'vbk-gpu-check/node/bin/node',
      'vbk-gpu-check/node_modules/@seydx/node-av-linux-x64/node-av.node',
      'vbk-gpu-check/node_modules/node-av/package.json',
      'vbk-gpu-check/dist/cli.js',
      'vbk-gpu-check/dist/deviceProbeProcess.js',
      'vbk-gpu-check/dist/gpuCheck.js',
      'vbk-gpu-check/clips/clips.json',
    ]) {
      assert.ok(contents.includes(entry), `${entry} is packed`);
    }
  });

  it('runs from the pieces on the packed Node alone, and says plainly when no CUDA device works', function () {
    if (HAS_NVIDIA_DEVICE) this.skip(); // what follows is what a machine without a GPU shows
    const output = execFileSync('sh', [packed.runScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    const report = JSON.parse(output) as { cudaDevice: { works: boolean; reason: string }; doctor: { ok: boolean }; clips: { clip: string; cpu: { decodedOn: string; frames: number } }[] };
    assert.equal(report.cudaDevice.works, false);
    assert.match(report.cudaDevice.reason, /^no CUDA device works here: no NVIDIA GPU device node/);
    assert.equal(report.doctor.ok, true);
    assert.deepEqual(report.clips.map((clip) => [clip.clip, clip.cpu.decodedOn, clip.cpu.frames]), [['h264-8bit-360p', 'cpu', 30], ['h264-160x96', 'cpu', 30]]);
  });
});
