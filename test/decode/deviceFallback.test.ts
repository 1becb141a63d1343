import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { AV_PIX_FMT_CUDA } from 'node-av/constants';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { findHardwareDecoder, hardwareDecoderSetup } from '../../kernel/src/decode/libav/hardwareDecoding';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import { readCudaPrerequisites } from '../../kernel/src/device/cudaPrerequisites';
import { PROBE_CLIP } from '../../kernel/src/device/deviceProbeProtocol';
import { probeDecoding } from '../../kernel/src/device/probeDecoding';
import { chooseRunDevice, type RunDevice } from '../../kernel/src/device/runDevice';
import { BatchVideoProcessor, builtins } from '../../kernel/src/index';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo } from '../../samples/videoGenerator';
import { makeDataset } from '../processor/processorFixture';

/** A CUDA device ordinal no machine running these tests has (asked about in probe processes of its own). */
const ABSENT_GPU = 97;
/**
 * The device opened in this test process: a process opens one device name only (see
 * deviceContexts.ts), and the other in-process hardware tests use ordinal 0 too. It cannot open on
 * a machine without an NVIDIA GPU, where these tests run.
 */
const IN_PROCESS_GPU = 0;
const HAS_NVIDIA_DEVICE = process.platform === 'linux' && existsSync('/dev/nvidia0');

describe('decoding device choice', function () {
  let dir: string;
  let video: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-device-'));
    video = path.join(dir, 'clip.mp4');
    await generateVideo({ path: video, codec: 'h264', width: 160, height: 96, fps: 25, frameCount: 30, gop: 10 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('sets a decoder up for NVDEC on the assigned device, frames kept in CUDA memory', () => {
    assert.deepEqual(hardwareDecoderSetup('cuda', 3, 'hevc'), { deviceType: 'cuda', device: '3', decoder: 'hevc', hardwarePixelFormat: AV_PIX_FMT_CUDA });
    assert.equal(hardwareDecoderSetup('cuda', 0, 'h264').device, '0');
  });

  it('decodes with FFmpeg\'s own decoders accelerated by CUDA, and refuses codecs NVDEC cannot decode', () => {
    for (const codec of ['h264', 'hevc', 'vp9', 'av1']) assert.equal(findHardwareDecoder(hardwareDecoderSetup('cuda', 0, codec)).name, codec);
    assert.throws(() => findHardwareDecoder(hardwareDecoderSetup('cuda', 0, 'prores')), /prores decoder .* cannot decode with CUDA/);
  });

  it('names the missing piece instead of FFmpeg\'s "Operation not permitted"', function () {
    const prerequisites = readCudaPrerequisites();
    if (HAS_NVIDIA_DEVICE) {
      assert.ok(prerequisites.visibleGpuCount! >= 1);
      this.skip(); // the blockers below are what a machine without an NVIDIA GPU shows
    }
    assert.equal(prerequisites.visibleGpuCount, process.platform === 'linux' ? 0 : null);
    assert.match(prerequisites.blocker ?? '', process.platform === 'linux' ? /no NVIDIA GPU device node \(\/dev\/nvidia0/ : /CUDA/);
    const hidden = readCudaPrerequisites({ ...process.env, CUDA_VISIBLE_DEVICES: '' });
    assert.ok(hidden.blocker, 'no device is visible either way');
  });

  it('probes by decoding a generated clip in a process of its own, on the CPU and on each GPU asked about', async () => {
    const probe = await probeDecoding({ gpuIds: [ABSENT_GPU, 0], cpu: true });
    assert.deepEqual(probe.cpu && { works: probe.cpu.works, framesDecoded: probe.cpu.framesDecoded }, { works: true, framesDecoded: PROBE_CLIP.frameCount });
    assert.deepEqual(probe.cuda.map((device) => device.gpuId), [ABSENT_GPU, 0]);
    const absent = probe.cuda[0]!;
    assert.equal(absent.works, false);
    assert.match(absent.reason ?? '', HAS_NVIDIA_DEVICE ? new RegExp(`no CUDA device ${ABSENT_GPU}: this machine shows`) : /no NVIDIA GPU device node/);
    if (!HAS_NVIDIA_DEVICE) assert.equal(probe.cuda[1]!.works, false);
  });

  it('reports a probe process that does not finish, instead of waiting on it', async () => {
    const probe = await probeDecoding({ gpuIds: [], cpu: true, timeoutMs: 1 });
    assert.equal(probe.cpu?.works, false);
    assert.match(probe.cpu?.reason ?? '', /the device probe \(a decode of a generated clip\) did not finish within 0.001 s/);
  });

  it('chooses the run\'s device from the probe: cpu as asked, auto and gpu only where a decode worked', async () => {
    assert.deepEqual(await chooseRunDevice('cpu', [0]), { requested: 'cpu', device: 'cpu', gpuIds: [0] });
    const auto = await chooseRunDevice('auto', [ABSENT_GPU]);
    assert.equal(auto.device, 'cpu');
    assert.ok(auto.reason, 'says why it decodes on the CPU');
    const gpu = await chooseRunDevice('gpu', [ABSENT_GPU]);
    assert.deepEqual({ device: gpu.device, reason: gpu.reason }, { device: 'cpu', reason: auto.reason });
  });

  it('a run asked to decode on a GPU that cannot work says why once, not once per video or worker', async () => {
    const dataset = await makeDataset({ goodVideos: 6 });
    try {
      const config = new DecoderConfig({ device: 'gpu', gpuIds: [ABSENT_GPU] });
      const processor = new BatchVideoProcessor({ config, numWorkers: 3, checkpointPath: path.join(dataset.dir, 'run.vbk-checkpoint') });
      const log: string[] = [];
      const choices: RunDevice[] = [];
      processor.on('log', (line) => log.push(line));
      processor.on('device', (choice) => choices.push(choice));
      const devices = new Set<string>();
      processor.on('videoFinished', ({ device }) => device && devices.add(device));
      const results = await processor.processDataset({ csvPath: dataset.csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 4, size: 32 }) });
      assert.equal(results.stats.processed, 6);
      assert.equal(choices.length, 1);
      assert.deepEqual({ requested: choices[0]!.requested, device: choices[0]!.device }, { requested: 'gpu', device: 'cpu' });
      assert.deepEqual([...devices], ['cpu']);
      const deviceLines = log.filter((line) => /GPU|CUDA|decoding on/.test(line));
      assert.deepEqual(deviceLines, [`decoding on CPU (GPU asked for): ${choices[0]!.reason}`]);
    } finally {
      await dataset.cleanup();
    }
  });

  for (const backend of ['libav', 'ffmpeg'] as const) {
    it(`${backend}: a video opened on a CUDA device that cannot open decodes on the CPU and logs why`, async function () {
      if (HAS_NVIDIA_DEVICE) this.skip(); // device 0 opens there
      const log: string[] = [];
      const settings = { ...new DecoderConfig({ backend, gpuIds: [IN_PROCESS_GPU] }).toSettings(), device: 'gpu' as const };
      const source = await openVideoSource(video, { settings, gpuId: IN_PROCESS_GPU, log: (line) => log.push(line) });
      const frames = await source.frames([0, 17], { size: 48 });
      await source.close();
      assert.equal(source.device, 'cpu');
      assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), [0, 17]);
      assert.ok(log.some((line) => /GPU decod.*CPU|^decoding on CPU: .*GPU/.test(line)), log.join('\n'));
    });
  }
});
