import { strict as assert } from 'node:assert';
import { geometryFilters, orientationFilters } from '../../kernel/src/decode/ffmpegCli/ffmpegArguments';
import { describeVideo, displayedPicture, requestGeometry, sampleAspectRatioText, type PacketSummary } from '../../kernel/src/decode/videoDescription';
import { orientRgb } from '../../kernel/src/video/orientRgb';
import { displayOrientation, displayRotation, UPRIGHT, type Orientation } from '../../kernel/src/video/pictureOrientation';
import { storedScaleSize } from '../../kernel/src/video/resizeGeometry';

const ONE = 65536;
const W = 2 ** 30;
/** Display matrices as FFmpeg 5.1 writes them for `-metadata:s:v rotate=R` (read back from its mp4s), and mirrors. */
const MATRICES = {
  identity: [ONE, 0, 0, 0, ONE, 0, 0, 0, W],
  rotate90: [0, -ONE, 0, ONE, 0, 0, 0, 0, W],
  rotate180: [-ONE, 0, 0, 0, -ONE, 0, 0, 0, W],
  rotate270: [0, ONE, 0, -ONE, 0, 0, 0, 0, W],
  mirrorX: [-ONE, 0, 0, 0, ONE, 0, 0, 0, W],
  mirrorY: [ONE, 0, 0, 0, -ONE, 0, 0, 0, W],
  transpose: [0, ONE, 0, ONE, 0, 0, 0, 0, W],
  antiTranspose: [0, -ONE, 0, -ONE, 0, 0, 0, 0, W],
};

/** A 3x2 picture whose pixels hold their own number (0..5) in every channel. */
const PICTURE = new Uint8Array([0, 1, 2, 3, 4, 5].flatMap((value) => [value, value, value]));
const pixels = (rgb: Uint8Array) => Array.from({ length: rgb.length / 3 }, (_, at) => rgb[at * 3]);

function summary(width: number, height: number, extra: Partial<PacketSummary> = {}): PacketSummary {
  return {
    pts: [0, 1], lastDuration: 1, timeBase: { num: 1, den: 25 }, keyframes: [0], totalBytes: 1000, width, height,
    sampleAspectRatio: { num: 0, den: 1 }, codec: 'h264', pixFmt: 'yuv420p', bitRate: 0, ...extra,
  };
}

describe('picture orientation', () => {
  it('reads the rotation as ffprobe prints it, and 0 for a matrix without scale', () => {
    assert.deepEqual(
      [MATRICES.identity, MATRICES.rotate90, MATRICES.rotate180, MATRICES.rotate270, MATRICES.mirrorX].map(displayRotation),
      [0, 90, -180, -90, -180],
    );
    assert.equal(displayRotation([0, 0, 0, 0, 0, 0, 0, 0, W]), 0);
  });

  it('turns each quarter-turn matrix, mirrors included, into the orientation ffmpeg applies', () => {
    const expected: Record<keyof typeof MATRICES, [Orientation, string[]]> = {
      identity: [UPRIGHT, []],
      rotate90: [{ transpose: true, flipX: false, flipY: true }, ['transpose=cclock']],
      rotate180: [{ transpose: false, flipX: true, flipY: true }, ['hflip', 'vflip']],
      rotate270: [{ transpose: true, flipX: true, flipY: false }, ['transpose=clock']],
      mirrorX: [{ transpose: false, flipX: true, flipY: false }, ['hflip']],
      mirrorY: [{ transpose: false, flipX: false, flipY: true }, ['vflip']],
      transpose: [{ transpose: true, flipX: false, flipY: false }, ['transpose=cclock_flip']],
      antiTranspose: [{ transpose: true, flipX: true, flipY: true }, ['transpose=clock_flip']],
    };
    for (const [name, [orientation, filters]] of Object.entries(expected)) {
      const read = displayOrientation(MATRICES[name as keyof typeof MATRICES]);
      assert.deepEqual(read, orientation, name);
      assert.deepEqual(orientationFilters(read), filters, name);
    }
    // 30 degrees: no quarter turn, left as stored.
    const angle = (30 * Math.PI) / 180;
    const tilted = [Math.cos(angle), -Math.sin(angle), 0, Math.sin(angle), Math.cos(angle), 0].map((entry) => Math.round(entry * ONE));
    assert.deepEqual(displayOrientation([...tilted, 0, 0, W]), UPRIGHT);
    assert.deepEqual(displayOrientation(undefined), UPRIGHT);
  });

  it('moves RGB pixels as ffmpeg transpose, hflip and vflip do', () => {
    // 0 1 2
    // 3 4 5
    const cases: Array<[Orientation, number[]]> = [
      [UPRIGHT, [0, 1, 2, 3, 4, 5]],
      [{ transpose: true, flipX: true, flipY: false }, [3, 0, 4, 1, 5, 2]], // clock: 2 wide, 3 high
      [{ transpose: true, flipX: false, flipY: true }, [2, 5, 1, 4, 0, 3]], // cclock
      [{ transpose: true, flipX: false, flipY: false }, [0, 3, 1, 4, 2, 5]], // cclock_flip
      [{ transpose: true, flipX: true, flipY: true }, [5, 2, 4, 1, 3, 0]], // clock_flip
      [{ transpose: false, flipX: true, flipY: false }, [2, 1, 0, 5, 4, 3]],
      [{ transpose: false, flipX: false, flipY: true }, [3, 4, 5, 0, 1, 2]],
      [{ transpose: false, flipX: true, flipY: true }, [5, 4, 3, 2, 1, 0]],
    ];
    for (const [orientation, expected] of cases) assert.deepEqual(pixels(orientRgb(PICTURE, 3, 2, orientation)), expected, JSON.stringify(orientation));
  });

  it('gives the displayed size: sample aspect ratio on the width, sides swapped for a quarter turn unless autorotation is off', () => {
    assert.deepEqual(displayedPicture(summary(191, 107), true), { width: 191, height: 107, orientation: UPRIGHT });
    assert.deepEqual(displayedPicture(summary(720, 576, { sampleAspectRatio: { num: 16, den: 15 } }), true), { width: 768, height: 576, orientation: UPRIGHT });
    const portrait = summary(1920, 1080, { displayMatrix: MATRICES.rotate270 });
    assert.deepEqual(displayedPicture(portrait, true), { width: 1080, height: 1920, orientation: { transpose: true, flipX: true, flipY: false } });
    assert.deepEqual(displayedPicture(portrait, false), { width: 1920, height: 1080, orientation: UPRIGHT });
    assert.deepEqual(displayedPicture(summary(100, 64, { sampleAspectRatio: { num: 4, den: 3 }, displayMatrix: MATRICES.rotate90 }), true).width, 64);
    const metadata = describeVideo(portrait);
    assert.deepEqual([metadata.width, metadata.height, metadata.rotation, metadata.sample_aspect_ratio], [1080, 1920, -90, '1:1']);
    assert.equal(describeVideo(portrait, false).rotation, -90, 'reported with autorotation off too');
    assert.deepEqual([{ num: 8, den: 6 }, { num: 0, den: 1 }, { num: 1, den: 0 }, { num: 1, den: 1 }].map((sampleAspectRatio) => sampleAspectRatioText({ sampleAspectRatio })), ['4:3', '1:1', '1:1', '1:1']);
  });

  it('scales the stored picture to the turned scale size, then turns, then places, in the ffmpeg graph too', () => {
    const portrait = summary(1920, 1080, { displayMatrix: MATRICES.rotate270 });
    const geometry = requestGeometry(portrait, true, { resize: { width: 400, height: 400, fit: 'contain' } });
    assert.deepEqual([geometry.scaleWidth, geometry.scaleHeight, geometry.placement], [226, 400, { kind: 'pad', x: 86, y: 0 }]);
    assert.deepEqual(storedScaleSize(geometry), { width: 400, height: 226 });
    const planarFirst = 'noformat=pix_fmts=nv12|nv21|nv16|nv24|nv42|p010le|p010be|p016le|p016be';
    assert.equal(geometryFilters(geometry), `${planarFirst},scale=400:226:flags=bicubic,format=pix_fmts=rgb24,transpose=clock,pad=400:400:86:0:color=black`);
    assert.equal(geometryFilters(requestGeometry(portrait, false, { size: 108 })), `${planarFirst},scale=192:108:flags=bicubic,format=pix_fmts=rgb24`);
  });
});
