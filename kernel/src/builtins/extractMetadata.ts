import type { VideoLoader } from '../video/videoLoader';
import type { VideoMetadata } from '../video/videoTypes';

/** The video's metadata as the record: no frame is decoded. */
export async function extractMetadata(loader: VideoLoader): Promise<VideoMetadata> {
  return loader.getMetadata();
}
