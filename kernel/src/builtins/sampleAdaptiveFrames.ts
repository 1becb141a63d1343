import { adaptiveIndices, type AdaptiveBounds } from '../video/frameSampling';
import type { VideoLoader } from '../video/videoLoader';
import type { VideoMetadata } from '../video/videoTypes';
import { recordFrames, type KeyframeOptions, type KeyframesRecord } from './extractKeyframes';
import { DEFAULT_ADAPTIVE_FRAMES } from '../processingDefaults';

export type AdaptiveOptions = Partial<AdaptiveBounds> & Omit<KeyframeOptions, 'numFrames'>;

export interface AdaptiveRecord extends KeyframesRecord {
  metadata: VideoMetadata;
}

/** Frames chosen by `sampleAdaptive` (more for longer or busier videos), with JPEGs and metadata. */
export async function sampleAdaptiveFrames(loader: VideoLoader, options: AdaptiveOptions = {}): Promise<AdaptiveRecord> {
  const metadata = await loader.getMetadata();
  const bounds = { minFrames: options.minFrames ?? DEFAULT_ADAPTIVE_FRAMES.minFrames, maxFrames: options.maxFrames ?? DEFAULT_ADAPTIVE_FRAMES.maxFrames };
  const { record } = await recordFrames(loader, adaptiveIndices(metadata, bounds), 'adaptive', options);
  return { ...record, metadata };
}
