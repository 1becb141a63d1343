import { createHash } from 'node:crypto';

/** Keys stay this short so that `<key>.<NNNN>.jpg` fits ustar's 100-byte name field, with no PAX header. */
export const MAX_SAMPLE_KEY_LENGTH = 80;
const KEY_CHARACTERS = /^[A-Za-z0-9_-]*$/;
const OTHER_CHARACTER = /[^A-Za-z0-9_-]/gu;
/** When characters were replaced, the cleaned text still tells most ids apart; the hash parts the few that clean alike. */
const REPLACED_HASH_DIGITS = 8;
/**
 * When a long id is cut, only the hash parts ids with a common beginning (paths share folders):
 * 64 bits keep a collision unlikely even among millions of such ids, where 32 would not.
 */
const CUT_HASH_DIGITS = 16;

/**
 * A WebDataset sample key for a video id: `[A-Za-z0-9_-]` only (no dot, which would end the key),
 * at most MAX_SAMPLE_KEY_LENGTH characters. An id that already is such a key is its own key
 * (`vid_0001`). Otherwise each other character becomes `_` and `-` plus the first hex digits of
 * the id's sha256 follow (`clip_1_mp4-1a2b3c4d`), 16 digits when the id had to be cut. The empty id
 * becomes `-` and its hash.
 *
 * Caveat, collisions that remain: two changed ids share a key only if they clean to the same text
 * and their hashes share the digits kept (1 in 2^32 per such pair, 2^64 when cut); an id already
 * safe shares a key with a changed one only if it spells `<cleaned>-<that id's hash digits>`,
 * which takes a crafted id. Keys that differ only in case are distinct in a shard but collide
 * when one is extracted onto a case-insensitive file system.
 */
export function sampleKey(id: string): string {
  if (KEY_CHARACTERS.test(id) && id.length > 0 && id.length <= MAX_SAMPLE_KEY_LENGTH) return id;
  const cleaned = id.replace(OTHER_CHARACTER, '_');
  const hashDigits = cleaned.length + 1 + REPLACED_HASH_DIGITS > MAX_SAMPLE_KEY_LENGTH ? CUT_HASH_DIGITS : REPLACED_HASH_DIGITS;
  const hash = createHash('sha256').update(id, 'utf8').digest('hex');
  return `${cleaned.slice(0, MAX_SAMPLE_KEY_LENGTH - 1 - hashDigits)}-${hash.slice(0, hashDigits)}`;
}
