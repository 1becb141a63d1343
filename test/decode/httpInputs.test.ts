import { strict as assert } from 'node:assert';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchVideoProcessor, builtins, DecoderConfig, type ProcessingRecord } from '../../kernel/src/index';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import { LibavVideoSource } from '../../kernel/src/decode/libav/libavVideoSource';
import type { SourceOptions } from '../../kernel/src/decode/sourceOptions';
import type { BackendChoice } from '../../kernel/src/config/decoderConfig';
import { generateVideo } from '../../samples/videoGenerator';
import { readFrameStamp } from '../../samples/frameStamp';
import { RangeServer } from './rangeServer';
import { networkFailure, networkTimeoutSeconds, protocolArgs, shownUrl } from '../../kernel/src/decode/networkInput';
import { videoInput } from '../../kernel/src/decode/ffmpegCli/ffmpegArguments';

const NETWORK_TIMEOUT_S = 0.5;
const FRAMES = [0, 7, 20, 29, 44];

function options(backend: BackendChoice): SourceOptions {
  return { settings: { ...new DecoderConfig({ backend }).toSettings(), device: 'cpu', networkTimeoutS: NETWORK_TIMEOUT_S }, gpuId: 0 };
}

/** A port that was just listened on and closed: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openingError(url: string, backend: BackendChoice): Promise<{ message: string; seconds: number }> {
  const started = performance.now();
  try {
    const source = await openVideoSource(url, options(backend));
    await source.close();
  } catch (error) {
    return { message: (error as Error).message, seconds: (performance.now() - started) / 1000 };
  }
  throw new Error(`${url} opened`);
}

describe('network inputs', () => {
  it('derive the network timeout from the per-video limit', () => {
    assert.equal(networkTimeoutSeconds(600_000), 20);
    assert.equal(networkTimeoutSeconds(0), 20);
    assert.equal(networkTimeoutSeconds(60_000), 5);
    assert.equal(networkTimeoutSeconds(1_000), 0.5);
  });

  it('give ffmpeg a URL as it is, with the protocol options, and a path as a file: URL', () => {
    assert.deepEqual(videoInput('/v/a.mp4', 2), ['-i', 'file:/v/a.mp4']);
    const url = 'https://bucket.s3.amazonaws.com/a.mp4?X-Amz-Signature=abc';
    assert.deepEqual(videoInput(url, 2).slice(-2), ['-i', url]);
    assert.deepEqual(protocolArgs(url, 2).slice(0, 2), ['-rw_timeout', '2000000']);
    assert.ok(!protocolArgs(url, 2).includes('-reconnect_max_retries'), 'an older ffmpeg refuses it');
  });

  it('tell failures in words, without the signature or password', () => {
    const url = 'https://user:secret@host.example/a.mp4?X-Amz-Signature=abc';
    assert.equal(shownUrl(url), 'https://host.example/a.mp4?…');
    assert.equal(networkFailure('cannot open x: Server returned 403 Forbidden (access denied)', url, 2), 'HTTP 403 Forbidden (access denied) for https://host.example/a.mp4?…');
    assert.equal(networkFailure('x: ffmpeg exited with code 1: [tcp @ 0x1] Connection to tcp://host.example:443 failed: Connection refused | x: Connection refused', url, 2), 'connection refused by host.example:443');
    assert.equal(networkFailure('cannot read x: Connection timed out', url, 2), 'timed out: no data for 2 s from https://host.example/a.mp4?…');
    assert.equal(networkFailure('cannot open x: Invalid data found when processing input', url, 2), undefined);
  });
});

describe('videos over HTTP', function () {
  let dir: string;
  let server: RangeServer;
  let size: number;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-http-'));
    await generateVideo({ path: path.join(dir, 'clip.mp4'), codec: 'h264', width: 160, height: 120, fps: 25, frameCount: 50, gop: 12, bFrames: 2 });
    size = (await stat(path.join(dir, 'clip.mp4'))).size;
    for (const backend of ['libav', 'ffmpeg']) await copyFile(path.join(dir, 'clip.mp4'), path.join(dir, `clip-${backend}.mp4`));
    server = await RangeServer.start(dir);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  for (const backend of ['libav', 'ffmpeg'] as const) {
    it(`${backend}: the frames read from a URL are the local file's`, async () => {
      const local = await openVideoSource(path.join(dir, 'clip.mp4'), options(backend));
      const fromLocal = await local.frames(FRAMES);
      await local.close();
      await server.served();
      const remote = await openVideoSource(server.url('clip.mp4'), options(backend));
      const fromUrl = await remote.frames(FRAMES);
      await remote.close();
      const served = await server.served();
      assert.deepEqual(fromUrl.map((frame) => frame.timestamp), fromLocal.map((frame) => frame.timestamp));
      fromUrl.forEach((frame, at) => assert.ok(Buffer.from(frame.data!).equals(Buffer.from(fromLocal[at].data!)), `frame ${FRAMES[at]}`));
      assert.deepEqual(fromUrl.map((frame) => readFrameStamp(frame.data!, frame.width, frame.height)), FRAMES);
      assert.ok(served.ranges.length > 0, 'read with range requests');
      console.log(`      ${backend}: ${served.requests} requests (${served.ranges.join(", ")}), ${served.bytes} bytes served for a ${size}-byte file`);
    });
  }

  it('libav: a video too long to keep its packets reads its GOPs again by ranges from where they start, not the file from its start', async () => {
    const local = await openVideoSource(path.join(dir, 'clip.mp4'), options('libav'));
    const fromLocal = await local.frames([44]);
    await local.close();
    await server.served();
    // Nothing kept: the index pass reads every packet once, decoding reads again what it needs.
    const remote = LibavVideoSource.open(server.url('clip.mp4'), options('libav'), 'cpu', { bytes: 0, packets: 0 });
    const fromUrl = await remote.frames([44]);
    await remote.close();
    const served = await server.served();
    assert.ok(Buffer.from(fromUrl[0].data!).equals(Buffer.from(fromLocal[0].data!)));
    // The probe and the index pass read from the start (and from the first packet, past a moov at the end).
    const starts = served.ranges.map((range) => Number(range.split('-')[0]));
    assert.equal(starts[0], 0, 'the index pass reads from the start');
    assert.ok(starts.at(-1)! > size / 2, `decoding frame 44 reads from its GOP, late in the file: ${served.ranges.join(', ')}`);
  });

  it('a missing URL fails with its HTTP status', async () => {
    for (const backend of ['libav', 'ffmpeg'] as const) {
      const { message } = await openingError(server.url('missing.mp4'), backend);
      assert.equal(message, `HTTP 404 Not Found for ${server.url('missing.mp4')}`);
    }
  });

  it('a refused connection says which host:port refused', async () => {
    const port = await closedPort();
    for (const backend of ['libav', 'ffmpeg'] as const) {
      const { message } = await openingError(`http://127.0.0.1:${port}/clip.mp4`, backend);
      assert.equal(message, `connection refused by 127.0.0.1:${port}`, backend);
    }
  });

  it('a server that stalls after part of the body fails the video as timed out, in a few timeouts', async () => {
    for (const backend of ['libav', 'ffmpeg'] as const) {
      const { message, seconds } = await openingError(server.url('stall/clip.mp4'), backend);
      assert.equal(message, `timed out: no data for ${NETWORK_TIMEOUT_S} s from ${server.url('stall/clip.mp4')}`, backend);
      assert.ok(seconds < 10 * NETWORK_TIMEOUT_S, `${backend} gave up after ${seconds} s`);
    }
  });

  for (const backend of ['libav', 'ffmpeg'] as const) {
    it(`${backend}: a connection dropped mid-body is reopened at the offset reached, and the frames are whole`, async () => {
      const local = await openVideoSource(path.join(dir, 'clip.mp4'), options(backend));
      const fromLocal = await local.frames(FRAMES);
      await local.close();
      await server.served();
      // A name of its own per backend: the server drops only the first answer for each name.
      const remote = await openVideoSource(server.url(`drop/clip-${backend}.mp4`), options(backend));
      const fromUrl = await remote.frames(FRAMES);
      await remote.close();
      const served = await server.served();
      fromUrl.forEach((frame, at) => assert.ok(Buffer.from(frame.data!).equals(Buffer.from(fromLocal[at].data!)), `frame ${FRAMES[at]}`));
      const third = Math.floor(size / 3);
      assert.ok(served.ranges.some((range) => Number(range.split('-')[0]) === third), `a range from where the drop left off (${third}): ${served.ranges.join(', ')}`);
    });
  }

  it('a CSV run reads URLs and files, fails the unreachable rows with their reason and goes on', async () => {
    const port = await closedPort();
    const rows = ['video_id,video_path', 'file,clip.mp4', `url,${server.url('clip.mp4')}`, `missing,${server.url('missing.mp4')}`,
      `refused,http://127.0.0.1:${port}/clip.mp4`, `stalled,${server.url('stall/clip.mp4')}`, 'after,clip.mp4'];
    const csvPath = path.join(dir, 'videos.csv');
    await writeFile(csvPath, `${rows.join('\n')}\n`);
    const outputDir = path.join(dir, 'out');
    await server.served();
    // 6 s per video: the network timeout is a twelfth of it, so a stall is the network's reason.
    const processor = new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 2, timeoutSeconds: 6, checkpointPath: path.join(dir, 'run.ckpt.json') });
    const results = await processor.processDataset({ csvPath, videoCol: 'video_path', idCol: 'video_id', processFn: builtins.keyframes({ numFrames: 4, size: 64 }), outputDir });
    const served = await server.served();
    const records = new Map((JSON.parse(await readFile(path.join(outputDir, 'processing_results.json'), 'utf8')) as ProcessingRecord[]).map((record) => [record.id, record]));
    assert.equal(results.stats.processed, 3);
    assert.equal(results.stats.failed, 3);
    assert.equal(records.get('url')?.video_path, server.url('clip.mp4'), 'the URL is kept as written');
    assert.deepEqual(records.get('url')?.result, { ...(records.get('file')?.result as object), frames: (records.get('url')?.result as { frames: unknown[] }).frames });
    const frameNames = (id: string) => (records.get(id)?.result as { frames: { index: number; path: string }[] }).frames.map((frame) => [frame.index, path.relative(path.join(outputDir), frame.path).split(path.sep).slice(1).join('/')]);
    assert.deepEqual(frameNames('url').map(([index]) => index), frameNames('file').map(([index]) => index));
    assert.equal(records.get('missing')?.error, `HTTP 404 Not Found for ${server.url('missing.mp4')}`);
    assert.equal(records.get('refused')?.error, `connection refused by 127.0.0.1:${port}`);
    assert.match(records.get('stalled')?.error ?? '', /^timed out: no data for 0.5 s from /);
    // The stalled row sent half the file (and again per reconnect); the good URL about one file.
    console.log(`      CSV run: ${served.requests} requests, ${served.bytes} bytes served (file ${size} bytes)`);
    assert.ok(served.bytes < 4 * size, `${served.bytes} bytes served`);
  });
});
