import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** Under the 64 MiB a piece may have, with room to spare for whatever copies it. */
const PIECE_BYTES = 60 * 2 ** 20;
const CHUNK_BYTES = 4 * 2 ** 20;

/** Cuts `file` into pieces of at most `pieceBytes` named `<prefix>00`, `<prefix>01`, … (they join in name order); their paths. */
export function splitIntoPieces(file: string, prefix: string, pieceBytes = PIECE_BYTES): string[] {
  const pieces: string[] = [];
  const input = openSync(file, 'r');
  const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, pieceBytes));
  let output: number | undefined;
  let inPiece = 0;
  try {
    for (;;) {
      const full = output === undefined || inPiece === pieceBytes;
      const read = readSync(input, chunk, 0, Math.min(chunk.length, full ? pieceBytes : pieceBytes - inPiece), null);
      if (read === 0) break;
      if (full) {
        if (output !== undefined) closeSync(output);
        pieces.push(`${prefix}${String(pieces.length).padStart(2, '0')}`);
        output = openSync(pieces[pieces.length - 1]!, 'w');
        inPiece = 0;
      }
      writeSync(output!, chunk, 0, read);
      inPiece += read;
    }
  } finally {
    if (output !== undefined) closeSync(output);
    closeSync(input);
  }
  return pieces;
}
