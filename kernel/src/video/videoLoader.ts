import { adaptiveIndices, uniformIndices, type AdaptiveBounds } from './frameSampling';
import { checkFpsArguments, framesAtTimes, fpsSample, type FrameTimeline } from './timeSampling';
import type { FrameRequest, VideoFrame, VideoMetadata, VideoSource } from './videoTypes';

/** What a processing function may need to know about the row it is processing. */
export interface LoaderContext {
  /** The video's id (the id column, or the row number when there is none). */
  videoId: string;
  /** Absolute path of the video. */
  videoPath: string;
  /** The job's output directory, when one is set: built-ins write their files below it. */
  outputDir?: string;
}

/**
 * One video, opened lazily: nothing is probed or decoded until a method asks, so a processing
 * function that needs no frames costs no decoder.
 */
export class VideoLoader {
  private sourcePromise?: Promise<VideoSource>;
  private metadataPromise?: Promise<VideoMetadata>;
  private timestampsPromise?: Promise<readonly number[]>;

  constructor(
    readonly context: LoaderContext,
    private readonly openSource: () => Promise<VideoSource>,
  ) {}

  get videoPath(): string {
    return this.context.videoPath;
  }

  get videoId(): string {
    return this.context.videoId;
  }

  /** duration, width, height, fps, num_frames, codec, ... (see VideoMetadata). Probed once. */
  getMetadata(): Promise<VideoMetadata> {
    this.metadataPromise ??= this.source().then((source) => source.metadata());
    return this.metadataPromise;
  }

  /** Every frame's presentation time in seconds (frame i's `VideoFrame.timestamp`), from the packet index. Read once. */
  getFrameTimestamps(): Promise<readonly number[]> {
    this.timestampsPromise ??= this.source().then((source) => source.frameTimestamps());
    return this.timestampsPromise;
  }

  /** The frames' presentation times and the duration, what time-based sampling works on. */
  async getTimeline(): Promise<FrameTimeline> {
    const [metadata, timestamps] = await Promise.all([this.getMetadata(), this.getFrameTimestamps()]);
    return { timestamps, duration: metadata.duration };
  }

  /** The frames at `indices`, in the order asked; frame-accurate. */
  async getFrames(indices: readonly number[], request?: FrameRequest): Promise<VideoFrame[]> {
    const source = await this.source();
    return source.frames(indices, request);
  }

  /** `n` frames spread evenly from the first to the last. */
  async sampleUniform(n: number, request?: FrameRequest): Promise<VideoFrame[]> {
    const metadata = await this.getMetadata();
    return this.getFrames(uniformIndices(metadata.num_frames, n), request);
  }

  /** More frames for longer or more dynamic videos, within the bounds; see `adaptiveIndices` for the rule. */
  async sampleAdaptive(bounds: AdaptiveBounds, request?: FrameRequest): Promise<VideoFrame[]> {
    const metadata = await this.getMetadata();
    return this.getFrames(adaptiveIndices(metadata, bounds), request);
  }

  /**
   * The frames displayed at t0 + k / fps (t0 the first frame's time), k = 0, 1, ... while the time
   * lies within the video, at most `maxFrames` of them; see `fpsSampleTimes` and `framesAtTimes`.
   * Above the video's rate a frame repeats: it is decoded once and returned for each of its times.
   */
  async sampleFps(fps: number, options: { maxFrames?: number } = {}, request?: FrameRequest): Promise<VideoFrame[]> {
    checkFpsArguments(fps, options.maxFrames);
    return this.getFrames(fpsSample(await this.getTimeline(), fps, options.maxFrames).indices, request);
  }

  /**
   * The frame displayed at each time (seconds, the clock of `VideoFrame.timestamp`), in the order
   * asked: the one whose interval [t_i, t_(i+1)) holds it, the last one up to the video's end. A
   * time outside [t0, t0 + duration] is a RangeError.
   */
  async getFramesAt(seconds: readonly number[], request?: FrameRequest): Promise<VideoFrame[]> {
    return this.getFrames(framesAtTimes(await this.getTimeline(), seconds), request);
  }

  /** Releases the decoder, if one was opened. */
  async close(): Promise<void> {
    if (!this.sourcePromise) return;
    const source = await this.sourcePromise.catch(() => undefined);
    await source?.close();
  }

  private source(): Promise<VideoSource> {
    this.sourcePromise ??= this.openSource();
    return this.sourcePromise;
  }
}
