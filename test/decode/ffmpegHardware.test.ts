import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { ffmpegHwaccels } from '../../kernel/src/decode/ffmpegCli/ffmpegHardwareCheck';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { PROBE_CLIP } from '../../kernel/src/device/deviceProbeProtocol';
import { probeFfmpegDecode } from '../../kernel/src/device/ffmpegDecodeProbe';
import { chooseRunDevice } from '../../kernel/src/device/runDevice';
import { findOnPath } from '../../kernel/src/pathLookup';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo } from '../../samples/videoGenerator';

/*
 * Debian's ffmpeg lists cuda and vulkan among its hardware decoders, yet here has no CUDA driver, and
 * Mesa's software Vulkan device decodes no video: ffmpeg then decodes in software in silence.
 */
describe('the ffmpeg backend on the GPU: what its own program decodes', function () {
  let dir: string;
  let clip: string;
  let sameKind: string;
  const ffmpeg = findOnPath('ffmpeg')!;
  const settings = { ...new DecoderConfig({ backend: 'ffmpeg', threads: 2 }).toSettings(), device: 'gpu' as const };
  const options = (log: string[], hardwareDeviceType: 'cuda' | 'vulkan'): SourceOptions => ({ settings, gpuId: 0, hardwareDeviceType, log: (line) => log.push(line) });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-ffmpeg-hw-'));
    clip = path.join(dir, 'probe.mp4');
    sameKind = path.join(dir, 'same.mp4');
    await generateVideo({ path: clip, ...PROBE_CLIP });
    await generateVideo({ path: sameKind, ...PROBE_CLIP, frameCount: 20 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads the program\'s hardware decoding methods', async () => {
    const methods = await ffmpegHwaccels(ffmpeg);
    assert.ok(methods.includes('cuda') && methods.includes('vulkan'), methods.join(', '));
  });

  it('probes the program itself: CUDA without a driver fails in ffmpeg\'s words, a software fallback is caught', async () => {
    const cuda = await probeFfmpegDecode(ffmpeg, clip, PROBE_CLIP.frameCount, 0, 'cuda');
    assert.equal(cuda.works, false);
    assert.match(cuda.reason ?? '', /Cannot load libcuda\.so\.1|Device creation failed/);
    const vulkan = await probeFfmpegDecode(ffmpeg, clip, PROBE_CLIP.frameCount, 0, 'vulkan');
    assert.equal(vulkan.works, false);
    assert.match(vulkan.reason ?? '', /decoded .*probe\.mp4 in software: its vulkan decoding did not take the stream/);
  });

  it('auto with the ffmpeg backend says cpu and why, and names a missing program', async () => {
    const auto = await chooseRunDevice('auto', [0], { backend: 'ffmpeg' });
    assert.equal(auto.device, 'cpu');
    assert.ok(auto.reason);
    const missing = await chooseRunDevice('auto', [0], { backend: 'ffmpeg', ffmpegPath: path.join(dir, 'no-ffmpeg') });
    assert.deepEqual({ device: missing.device, reason: missing.reason }, { device: 'cpu', reason: `the ffmpeg setting names ${path.join(dir, 'no-ffmpeg')}, which is not an executable file` });
  });

  for (const type of ['vulkan', 'cuda'] as const) {
    it(`labels a video ffmpeg would decode in software with -hwaccel ${type} cpu, says why once per kind, never "seeking failed"`, async () => {
      const log: string[] = [];
      for (const [file, frames] of [[clip, [0, 7, 11]], [sameKind, [3, 19]]] as const) {
        const source = await openVideoSource(file, options(log, type));
        assert.equal(source.device, 'cpu');
        const decoded = await source.frames(frames, { size: 64 });
        assert.deepEqual(decoded.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), frames);
        await source.close();
      }
      assert.equal(log.length, 1, log.join('\n'));
      assert.match(log[0]!, new RegExp(`^decoding on CPU: h264 yuv420p 320x240 on ${type.toUpperCase()} device 0 does not decode on the GPU: `));
      assert.ok(!log.some((line) => /seeking/.test(line)));
    });
  }
});
