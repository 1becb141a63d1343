import { readFileSync } from 'node:fs';

/** A JPEG file as a data: URI, for outputs that must show without access to the file system. */
export function jpegDataUri(jpegPath: string): string {
  return `data:image/jpeg;base64,${readFileSync(jpegPath).toString('base64')}`;
}
