import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { AV_PIX_FMT_CUDA } from 'node-av/constants';
import { DecoderConfig, type DecoderConfigOptions } from '../../kernel/src/config/decoderConfig';
import { cudaAvailability } from '../../kernel/src/decode/cudaAvailability';
import { cudaDecoderSetup, findCudaDecoder } from '../../kernel/src/decode/libav/hardwareDecoding';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import { readFrameStamp } from '../../samples/frameStamp';
import { generateVideo } from '../../samples/videoGenerator';

/** A CUDA device ordinal no machine running these tests has. */
const ABSENT_GPU = 97;

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
    assert.deepEqual(cudaDecoderSetup(3, 'hevc'), { deviceType: 'cuda', device: '3', decoder: 'hevc', hardwarePixelFormat: AV_PIX_FMT_CUDA });
    assert.equal(cudaDecoderSetup(0, 'h264').device, '0');
  });

  it('decodes with FFmpeg\'s own decoders accelerated by CUDA, and refuses codecs NVDEC cannot decode', () => {
    for (const codec of ['h264', 'hevc', 'vp9', 'av1']) assert.equal(findCudaDecoder(cudaDecoderSetup(0, codec)).name, codec);
    assert.throws(() => findCudaDecoder(cudaDecoderSetup(0, 'prores')), /prores decoder .* cannot decode with CUDA/);
  });

  it('probes a CUDA device once and says why it cannot be used', () => {
    const first = cudaAvailability(ABSENT_GPU);
    assert.equal(first.available, false);
    assert.match(first.reason ?? '', new RegExp(`CUDA device ${ABSENT_GPU} cannot be opened|no CUDA support`));
    assert.equal(first.firstAnswer, true);
    const second = cudaAvailability(ABSENT_GPU);
    assert.equal(second.firstAnswer, undefined, 'asked once per process');
    assert.equal(second.reason, first.reason);
  });

  for (const backend of ['libav', 'ffmpeg'] as const) {
    for (const device of ['gpu', 'auto'] as const) {
      it(`${backend}, device '${device}' with a CUDA device that cannot open: decodes on CPU and logs why`, async () => {
        const options: DecoderConfigOptions = { device, backend, gpuIds: [ABSENT_GPU] };
        const log: string[] = [];
        const source = await openVideoSource(video, { settings: new DecoderConfig(options).toSettings(), gpuId: ABSENT_GPU, log: (line) => log.push(line) });
        const frames = await source.frames([0, 17], { size: 48 });
        await source.close();
        assert.equal(source.device, 'cpu');
        assert.deepEqual(frames.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), [0, 17]);
        if (device === 'gpu') assert.ok(log.some((line) => /GPU decod.*CPU/.test(line)), log.join('\n'));
      });
    }
  }
});
