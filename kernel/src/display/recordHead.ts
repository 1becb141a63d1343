/** A record's id and path: what a grid's search looks at. */
export interface RecordHead {
  id: string;
  video_path: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ID_KEY = Buffer.from('{"id":"');
const PATH_KEY = Buffer.from(',"video_path":"');

/** The end (the closing quote) of the JSON string whose text starts at `start`; -1 if it does not end. */
function stringEnd(bytes: Buffer, start: number): number {
  for (let at = start; at < bytes.length; at++) {
    if (bytes[at] === BACKSLASH) at++;
    else if (bytes[at] === QUOTE) return at;
  }
  return -1;
}

/**
 * The id and path of a record's JSON bytes without parsing the rest (a keyframe record's frames
 * are most of its bytes): the engine writes every record starting `{"id":…,"video_path":…`.
 * Undefined for bytes of another shape, which the caller then parses whole.
 */
export function recordHead(bytes: Buffer): RecordHead | undefined {
  if (!bytes.subarray(0, ID_KEY.length).equals(ID_KEY)) return undefined;
  const idEnd = stringEnd(bytes, ID_KEY.length);
  if (idEnd < 0 || !bytes.subarray(idEnd + 1, idEnd + 1 + PATH_KEY.length).equals(PATH_KEY)) return undefined;
  const pathStart = idEnd + 1 + PATH_KEY.length;
  const pathEnd = stringEnd(bytes, pathStart);
  if (pathEnd < 0) return undefined;
  return {
    id: JSON.parse(bytes.toString('utf8', ID_KEY.length - 1, idEnd + 1)) as string,
    video_path: JSON.parse(bytes.toString('utf8', pathStart - 1, pathEnd + 1)) as string,
  };
}
