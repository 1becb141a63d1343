import { strict as assert } from 'node:assert';
import { frameGeometry, resizeGeometry, type FrameGeometry, type ResizeFit } from '../../kernel/src/video/resizeGeometry';
import { placeRgb } from '../../kernel/src/video/placeRgb';

/** Every geometry: the output is the box, offsets are even, a crop lies inside the scaled picture and a pad inside the box. */
function assertSound(geometry: FrameGeometry, width: number, height: number, fit: ResizeFit): void {
  assert.deepEqual([geometry.width, geometry.height], [width, height]);
  const { placement } = geometry;
  if (!placement) return;
  assert.equal(placement.kind, fit === 'cover' ? 'crop' : 'pad');
  assert.equal(placement.x % 2, 0, 'x even');
  assert.equal(placement.y % 2, 0, 'y even');
  const [outerW, outerH, innerW, innerH] = placement.kind === 'crop'
    ? [geometry.scaleWidth, geometry.scaleHeight, width, height]
    : [width, height, geometry.scaleWidth, geometry.scaleHeight];
  assert.ok(placement.x + innerW <= outerW && placement.y + innerH <= outerH, JSON.stringify(geometry));
  assert.ok(outerW - innerW - 2 * placement.x <= 2 && outerH - innerH - 2 * placement.y <= 2, 'centred within a pixel');
}

describe('resize geometry', () => {
  const cases: Array<[string, number, number, number, number, ResizeFit, FrameGeometry]> = [
    ['stretch ignores the aspect', 1920, 1080, 100, 50, 'stretch', { width: 100, height: 50, scaleWidth: 100, scaleHeight: 50 }],
    ['cover, landscape into a square: crops the sides', 320, 160, 160, 160, 'cover', { width: 160, height: 160, scaleWidth: 320, scaleHeight: 160, placement: { kind: 'crop', x: 80, y: 0 } }],
    ['contain, landscape into a square: bars above and below', 320, 160, 160, 160, 'contain', { width: 160, height: 160, scaleWidth: 160, scaleHeight: 80, placement: { kind: 'pad', x: 0, y: 40 } }],
    ['cover, odd source: scaled side rounded to even, offset down to even', 641, 361, 224, 224, 'cover', { width: 224, height: 224, scaleWidth: 398, scaleHeight: 224, placement: { kind: 'crop', x: 86, y: 0 } }],
    ['contain, portrait: bars left and right', 360, 640, 224, 224, 'contain', { width: 224, height: 224, scaleWidth: 126, scaleHeight: 224, placement: { kind: 'pad', x: 48, y: 0 } }],
    ['cover, portrait into landscape: crops top and bottom', 360, 640, 320, 180, 'cover', { width: 320, height: 180, scaleWidth: 320, scaleHeight: 568, placement: { kind: 'crop', x: 0, y: 194 } }],
    ['contain, extreme aspect: the thin side never below 2', 4000, 2, 64, 64, 'contain', { width: 64, height: 64, scaleWidth: 64, scaleHeight: 2, placement: { kind: 'pad', x: 0, y: 30 } }],
    ['cover, extreme aspect', 4000, 2, 64, 64, 'cover', { width: 64, height: 64, scaleWidth: 128000, scaleHeight: 64, placement: { kind: 'crop', x: 63968, y: 0 } }],
    ['contain, same aspect: no pad', 1920, 1080, 640, 360, 'contain', { width: 640, height: 360, scaleWidth: 640, scaleHeight: 360 }],
    ['cover, aspect a rounding away: no crop', 1921, 1080, 640, 360, 'cover', { width: 640, height: 360, scaleWidth: 640, scaleHeight: 360 }],
  ];
  for (const [name, sw, sh, width, height, fit, expected] of cases) {
    it(`${name} (${sw}x${sh} -> ${width}x${height} ${fit})`, () => {
      const geometry = resizeGeometry(sw, sh, { width, height, fit });
      assert.deepEqual(geometry, expected);
      assertSound(geometry, width, height, fit);
    });
  }

  it('is sound over many source and box sizes', () => {
    for (const [sw, sh] of [[1, 1], [3, 7], [641, 361], [361, 641], [1920, 1080], [10000, 3], [3, 10000]]) {
      for (const [width, height] of [[2, 2], [224, 224], [640, 360], [360, 640], [2, 1000]]) {
        for (const fit of ['stretch', 'cover', 'contain'] as const) assertSound(resizeGeometry(sw, sh, { width, height, fit }), width, height, fit);
      }
    }
  });

  it('refuses odd or tiny sides and unknown fits, and size together with resize', () => {
    assert.throws(() => resizeGeometry(100, 100, { width: 63, height: 64, fit: 'cover' }), /resize.width must be an even whole number of pixels >= 2, got 63/);
    assert.throws(() => resizeGeometry(100, 100, { width: 64, height: 0, fit: 'cover' }), /resize.height must be an even/);
    assert.throws(() => resizeGeometry(100, 100, { width: 64, height: 64, fit: 'fill' as ResizeFit }), /resize.fit must be one of stretch, cover, contain, got fill/);
    assert.throws(() => frameGeometry(100, 100, { size: 64, resize: { width: 64, height: 64, fit: 'cover' } }), /takes size .* or resize .*, not both/);
  });

  it('size and no request keep their old rule', () => {
    assert.deepEqual(frameGeometry(192, 108, { size: 64 }), { width: 114, height: 64, scaleWidth: 114, scaleHeight: 64 });
    assert.deepEqual(frameGeometry(191, 107, {}), { width: 191, height: 107, scaleWidth: 191, scaleHeight: 107 });
  });

  it('placeRgb crops the window and pads with black', () => {
    // A 4x2 scaled picture whose pixel at column c, row r holds the value 10 * r + c in every channel.
    const scaled = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => 10 * Math.floor(i / 12) + Math.floor((i % 12) / 3));
    const cropped = placeRgb(scaled, { width: 2, height: 2, scaleWidth: 4, scaleHeight: 2, placement: { kind: 'crop', x: 2, y: 0 } });
    assert.deepEqual([...cropped].filter((_, i) => i % 3 === 0), [2, 3, 12, 13]);
    const padded = placeRgb(scaled, { width: 4, height: 4, scaleWidth: 4, scaleHeight: 2, placement: { kind: 'pad', x: 0, y: 2 } });
    assert.deepEqual([...padded].filter((_, i) => i % 3 === 0), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 10, 11, 12, 13]);
  });
});
