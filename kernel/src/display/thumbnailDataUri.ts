import { jpegThumbnail } from '../decode/libav/jpegThumbnail';

/** Shorter side of grid thumbnails: sharp enough to recognise a scene, ~5 KB each. */
export const THUMBNAIL_SIZE = 128;

/** A keyframe JPEG as a small thumbnail data: URI, for grids that travel inside the notebook. */
export function thumbnailDataUri(jpegPath: string): string {
  return `data:image/jpeg;base64,${jpegThumbnail(jpegPath, THUMBNAIL_SIZE).toString('base64')}`;
}
