/** A record's id and path: what a grid's search looks at. */
export interface RecordHead {
  id: string;
  video_path: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ID_KEY = Buffer.from('{"id":"');
const PATH_KEY = Buffer.from(',"video_path":"');

/** The JSON string whose text lies in bytes [start, end): decoded as is unless it holds an escape. */
function stringAt(bytes: Buffer, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string) : bytes.toString('utf8', start, end);
}

/** Where the JSON string whose text starts at `start` ends (its closing quote; -1 if none), and whether it holds an escape. */
function stringEnd(bytes: Buffer, start: number): { end: number; escaped: boolean } {
  let escaped = false;
  for (let at = start; at < bytes.length; at++) {
    if (bytes[at] === BACKSLASH) {
      escaped = true;
      at++;
    } else if (bytes[at] === QUOTE) {
      return { end: at, escaped };
    }
  }
  return { end: -1, escaped };
}

/** Whether `bytes` holds `key` at `at` (compared in place: a search tests a million lines). */
function holdsAt(bytes: Buffer, key: Buffer, at: number): boolean {
  return at + key.length <= bytes.length && bytes.compare(key, 0, key.length, at, at + key.length) === 0;
}

/**
 * The id and path of a record's JSON bytes without parsing the rest (a keyframe record's frames
 * are most of its bytes): the engine writes every record starting `{"id":…,"video_path":…`.
 * Undefined for bytes of another shape, which the caller then parses whole.
 */
export function recordHead(bytes: Buffer): RecordHead | undefined {
  if (!holdsAt(bytes, ID_KEY, 0)) return undefined;
  const id = stringEnd(bytes, ID_KEY.length);
  if (id.end < 0 || !holdsAt(bytes, PATH_KEY, id.end + 1)) return undefined;
  const pathStart = id.end + 1 + PATH_KEY.length;
  const videoPath = stringEnd(bytes, pathStart);
  if (videoPath.end < 0) return undefined;
  return { id: stringAt(bytes, ID_KEY.length, id.end, id.escaped), video_path: stringAt(bytes, pathStart, videoPath.end, videoPath.escaped) };
}
