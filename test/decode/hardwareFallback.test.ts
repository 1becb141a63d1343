import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatContext } from 'node-av/lib';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { deviceContextCreations, deviceCreationOptions, sharedDeviceContext } from '../../kernel/src/decode/libav/deviceContexts';
import { openDecoder } from '../../kernel/src/decode/libav/decoderSetup';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import { probeCpuDecode } from '../../kernel/src/device/cpuDecodeProbe';
import { probeCudaDecode } from '../../kernel/src/device/cudaDecodeProbe';
import { PROBE_CLIP } from '../../kernel/src/device/deviceProbeProtocol';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo } from '../../samples/videoGenerator';

/*
 * The Vulkan device of Mesa's software rasteriser (lavapipe) has no video decode: FFmpeg set up for
 * it falls back to software exactly as it does when NVDEC refuses a stream, so the whole fallback
 * path runs on a machine without a GPU.
 */
describe('hardware decoding that falls back to the CPU (a Vulkan device without video decode)', function () {
  let dir: string;
  const clips: Record<'first' | 'second' | 'otherSize' | 'threads' | 'rawSource' | 'prores' | 'probe', string> = { first: '', second: '', otherSize: '', threads: '', rawSource: '', prores: '', probe: '' };
  const settings = { ...new DecoderConfig({ backend: 'libav', threads: 3 }).toSettings(), device: 'gpu' as const };
  const onVulkan = (log: string[]): SourceOptions => ({ settings, gpuId: 0, hardwareDeviceType: 'vulkan', log: (line) => log.push(line) });
  const stamps = (frames: { data?: Uint8Array; width: number; height: number }[]) => frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height));

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-hw-fallback-'));
    for (const name of ['first', 'second', 'otherSize', 'threads', 'rawSource', 'probe'] as const) clips[name] = path.join(dir, `${name}.mp4`);
    const spec = { codec: 'h264' as const, fps: 25, frameCount: 24, gop: 8, bFrames: 2 };
    await generateVideo({ path: clips.first, width: 256, height: 144, ...spec });
    await generateVideo({ path: clips.second, width: 256, height: 144, ...spec });
    await generateVideo({ path: clips.otherSize, width: 288, height: 160, ...spec });
    await generateVideo({ path: clips.threads, width: 320, height: 180, ...spec });
    await generateVideo({ path: clips.rawSource, width: 224, height: 128, ...spec });
    await generateVideo({ path: clips.probe, ...PROBE_CLIP });
    clips.prores = path.join(dir, 'clip.mov');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', clips.first, '-c:v', 'prores_ks', clips.prores]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the probe decodes a clip on the device and finds no frame in device memory, in FFmpeg\'s words', async () => {
    const probe = await probeCudaDecode(clips.probe, PROBE_CLIP.frameCount, 0, 'vulkan');
    assert.equal(probe.works, false);
    assert.match(probe.reason ?? '', /VULKAN device 0 did not decode the probe clip: .*Failed setup for format vulkan/);
    assert.equal((await probeCpuDecode(clips.probe, PROBE_CLIP.frameCount)).works, true);
  });

  it('labels a video that fell back on its first frame cpu, says FFmpeg\'s reason once, and decodes every frame on the CPU', async () => {
    const log: string[] = [];
    const source = await openVideoSource(clips.first, onVulkan(log));
    assert.equal(source.device, 'gpu', 'set up for the device until a frame shows otherwise');
    const frames = await source.frames([0, 5, 23, 9], { size: 64 });
    assert.equal(source.device, 'cpu');
    assert.deepEqual(stamps(frames), [0, 5, 23, 9]);
    assert.deepEqual(stamps(await source.frames([2, 17], { size: 64 })), [2, 17]);
    await source.close();
    assert.equal(log.length, 1, log.join('\n'));
    assert.match(log[0]!, /^decoding on CPU: VULKAN did not decode h264 profile \d+, 8-bit, 256x144 on VULKAN device 0; FFmpeg decoded it in software: .*Failed setup for format vulkan/);
  });

  it('falls back on a stream numbered in file order too (raw H.264: no timestamps), every frame where it belongs', async () => {
    const raw = path.join(dir, 'raw.h264');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', clips.rawSource, '-c:v', 'libx264', '-bf', '3', '-g', '8', '-f', 'h264', raw]);
    const log: string[] = [];
    const source = await openVideoSource(raw, onVulkan(log));
    assert.equal(source.device, 'gpu');
    assert.deepEqual(stamps(await source.frames([2, 9, 21], { size: 64 })), [2, 9, 21]);
    assert.equal(source.device, 'cpu');
    assert.deepEqual(stamps(await source.frames([0, 23], { size: 64 })), [0, 23]);
    await source.close();
    assert.equal(log.length, 1, log.join('\n'));
  });

  it('sends the next video of a refused kind straight to the CPU, silently, with no new device context', async () => {
    const created = deviceContextCreations();
    const log: string[] = [];
    const source = await openVideoSource(clips.second, onVulkan(log));
    assert.equal(source.device, 'cpu', 'refused before: no hardware decoder opened');
    assert.deepEqual(stamps(await source.frames([1, 22], { size: 64 })), [1, 22]);
    await source.close();
    assert.deepEqual(log, []);
    assert.equal(deviceContextCreations(), created);
  });

  it('tries a kind not refused yet on the same device context, and remembers its refusal too', async () => {
    const created = deviceContextCreations();
    const log: string[] = [];
    const source = await openVideoSource(clips.otherSize, onVulkan(log));
    assert.equal(source.device, 'gpu');
    assert.deepEqual(stamps(await source.frames([3], { size: 64 })), [3]);
    assert.equal(source.device, 'cpu');
    await source.close();
    assert.equal(deviceContextCreations(), created, 'one context per device per process');
    assert.equal(log.length, 1);
    assert.match(log[0]!, /288x160/);
  });

  it('decides a codec the hardware cannot decode before opening anything: CPU at once, said once, no retry', async () => {
    for (const round of [1, 2]) {
      const log: string[] = [];
      const source = await openVideoSource(clips.prores, onVulkan(log));
      assert.equal(source.device, 'cpu');
      assert.deepEqual(stamps(await source.frames([4], { size: 64 })), [4]);
      await source.close();
      assert.deepEqual(log, round === 1 ? ['decoding on CPU: the prores decoder of this FFmpeg build cannot decode with VULKAN'] : []);
    }
  });

  it('tries a device that does not open (CUDA device 0 here) once per process, and decodes on the CPU without reopening the video', async function () {
    if (existsSync('/dev/nvidia0')) this.skip(); // CUDA device 0 opens there
    for (const round of [1, 2]) {
      const log: string[] = [];
      const source = await openVideoSource(clips.second, { ...onVulkan(log), hardwareDeviceType: 'cuda', gpuId: 0 });
      assert.equal(source.device, 'cpu');
      assert.deepEqual(stamps(await source.frames([6], { size: 64 })), [6]);
      await source.close();
      // Said the first time this process tried the device (here, or earlier in the suite's process), never again.
      if (round === 2) assert.deepEqual(log, []);
      else assert.ok(log.length === 0 || (log.length === 1 && /^decoding on CPU: the GPU cannot be used: cannot open CUDA device 0: /.test(log[0]!)), log.join('\n'));
    }
  });

  it('refuses a second device in a process that opened one, in words, and decodes on the CPU', async () => {
    // The process's first device is Vulkan 0 (the tests above); its binding would open device 0 again for any other name.
    await (await openVideoSource(clips.first, onVulkan([]))).close();
    const log: string[] = [];
    const source = await openVideoSource(clips.second, { ...onVulkan(log), gpuId: 5 });
    assert.equal(source.device, 'cpu');
    assert.deepEqual(stamps(await source.frames([3], { size: 64 })), [3]);
    await source.close();
    assert.match(log.join('\n'), /cannot open VULKAN device 5 in a process that opened device 0 \(one GPU per decoding process\)/);
  });

  it('decodes at one thread on the hardware and at the run\'s threads on the CPU', async () => {
    const input = new FormatContext();
    await input.openInput(clips.threads);
    await input.findStreamInfo();
    try {
      const target = { stream: input.streams[0]!, codecName: 'h264', file: clips.threads, options: onVulkan([]) };
      for (const [device, threads] of [['gpu', 1], ['cpu', 3]] as const) {
        const opened = openDecoder(target, device);
        assert.deepEqual({ device: opened.device, threads: opened.context.threadCount }, { device, threads });
        opened.context.freeContext();
      }
    } finally {
      input.closeInputSync();
    }
  });

  it('keeps one context per device and asks CUDA for its primary context', () => {
    const created = deviceContextCreations();
    const context = sharedDeviceContext('vulkan', '0');
    assert.equal(sharedDeviceContext('vulkan', '0'), context);
    assert.equal(deviceContextCreations(), created);
    assert.deepEqual(deviceCreationOptions('cuda'), { primary_ctx: '1' });
    assert.deepEqual(deviceCreationOptions('cuda', false), {});
    assert.deepEqual(deviceCreationOptions('vulkan'), {});
  });
});
