import { adaptiveIndices, type AdaptiveBounds } from '../video/frameSampling';
import type { VideoLoader } from '../video/videoLoader';
import type { VideoMetadata } from '../video/videoTypes';
import { recordFrames, withJpegs, type BytesOutput, type FilesOutput, type KeyframeOptions, type KeyframesRecord, type RecordWithJpegs } from './extractKeyframes';
import { DEFAULT_ADAPTIVE_FRAMES } from '../processingDefaults';

export type AdaptiveOptions = Partial<AdaptiveBounds> & Omit<KeyframeOptions, 'numFrames'>;

export interface AdaptiveRecord extends KeyframesRecord {
  metadata: VideoMetadata;
}

/** Frames chosen by `sampleAdaptive` (more for longer or busier videos), with JPEGs (files or bytes) and metadata. */
export function sampleAdaptiveFrames(loader: VideoLoader, options: AdaptiveOptions & BytesOutput): Promise<RecordWithJpegs<AdaptiveRecord>>;
export function sampleAdaptiveFrames(loader: VideoLoader, options?: AdaptiveOptions & FilesOutput): Promise<AdaptiveRecord>;
export function sampleAdaptiveFrames(loader: VideoLoader, options?: AdaptiveOptions): Promise<AdaptiveRecord | RecordWithJpegs<AdaptiveRecord>>;
export async function sampleAdaptiveFrames(loader: VideoLoader, options: AdaptiveOptions = {}): Promise<AdaptiveRecord | RecordWithJpegs<AdaptiveRecord>> {
  const metadata = await loader.getMetadata();
  const bounds = { minFrames: options.minFrames ?? DEFAULT_ADAPTIVE_FRAMES.minFrames, maxFrames: options.maxFrames ?? DEFAULT_ADAPTIVE_FRAMES.maxFrames };
  const { record, jpegs } = await recordFrames(loader, adaptiveIndices(metadata, bounds), 'adaptive', options);
  return withJpegs({ ...record, metadata }, jpegs);
}
