import type { ShardSample } from '../../kernel/src/outputs/webdataset/shardWriter';
import { SeededRandom } from '../faults/seededRandom';

/**
 * Sample `n` of a test dataset, the same in every process: key `s<n>`, its record as json, then
 * frames of seeded bytes: zero to three of seeded sizes up to 3000 bytes, or two of `frameBytes`.
 */
export function testSample(n: number, frameBytes?: number): ShardSample {
  const random = new SeededRandom(n + 1);
  const frames = Array.from({ length: frameBytes === undefined ? random.integer(0, 3) : 2 }, () => {
    const size = frameBytes ?? random.integer(0, 3000);
    return Uint8Array.from({ length: size }, () => random.integer(0, 255));
  });
  const json = { name: 'json', data: Buffer.from(JSON.stringify({ id: `s${n}`, n }), 'utf8') };
  return { key: `s${n}`, files: [json, ...frames.map((data, index) => ({ name: `${String(index).padStart(4, '0')}.jpg`, data }))] };
}
