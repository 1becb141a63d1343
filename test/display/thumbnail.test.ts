import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';
import { jpegThumbnail } from '../../kernel/src/decode/libav/jpegThumbnail';
import { openVideoSource } from '../../kernel/src/decode/openVideoSource';
import { generateVideo } from '../../samples/videoGenerator';

/** Width and height from a JPEG's baseline frame header (SOF0). */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  for (let at = 2; at < jpeg.length;) {
    const marker = jpeg.readUInt16BE(at);
    if (marker === 0xffc0) return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no SOF0 marker');
}

describe('keyframe thumbnails', function () {
  let dir: string;
  let keyframe: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-thumb-'));
    const video = path.join(dir, 'wide.mp4');
    await generateVideo({ path: video, codec: 'h264', width: 640, height: 360, fps: 25, frameCount: 10, gop: 10 });
    const source = await openVideoSource(video, { settings: { ...new DecoderConfig({ backend: 'libav', threads: 1 }).toSettings(), device: 'cpu' }, gpuId: 0 });
    const [frame] = await source.frames([5], { pixels: false, jpegDir: path.join(dir, 'frames') });
    await source.close();
    keyframe = frame!.jpegPath!;
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('scales a keyframe JPEG down to a small thumbnail, aspect kept', async () => {
    const original = await readFile(keyframe);
    assert.deepEqual(jpegSize(original), { width: 640, height: 360 });
    const thumbnail = jpegThumbnail(keyframe, 128);
    assert.deepEqual(jpegSize(thumbnail), { width: 228, height: 128 });
    assert.ok(thumbnail.length < (await stat(keyframe)).size / 2, `${thumbnail.length} bytes against ${original.length}`);
  });

  it('keeps an image that is already small, and names the file it cannot read', () => {
    const small = jpegThumbnail(keyframe, 720);
    assert.deepEqual(jpegSize(small), { width: 640, height: 360 });
    assert.throws(() => jpegThumbnail(path.join(dir, 'gone.jpg'), 128), /gone\.jpg/);
  });
});
