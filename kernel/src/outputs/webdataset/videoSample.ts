import { sampleKey } from './sampleKey';
import type { ShardSample } from './shardWriter';

/** Frame `index`'s member name after `<key>.`: four digits, more past 9999 (members are written in frame order). */
export function frameFileName(index: number): string {
  return `${String(index).padStart(4, '0')}.jpg`;
}

/**
 * A processed video's sample: `<key>.json` holding the record (its `id` included), then
 * `<key>.<NNNN>.jpg` for each frame in ascending order.
 */
export function videoSample(record: { readonly id: string }, frames: readonly Uint8Array[]): ShardSample {
  const json = { name: 'json', data: Buffer.from(JSON.stringify(record), 'utf8') };
  return { key: sampleKey(record.id), files: [json, ...frames.map((data, index) => ({ name: frameFileName(index), data }))] };
}
