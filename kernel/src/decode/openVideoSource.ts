import { errorText } from '../errorText';
import { openLibavSource } from './libav/libavVideoSource';
import { openFfmpegSource } from './ffmpegCli/ffmpegVideoSource';
import type { OpenedVideoSource, SourceOptions } from './sourceOptions';
import { isNetworkUrl, NetworkInputError, networkTimeoutOf, readingUrl } from './networkInput';
import type { DecodeDevice, FrameRequest } from '../video/videoTypes';

type BackendOpener = (file: string, options: SourceOptions, device: DecodeDevice) => Promise<OpenedVideoSource>;

const BACKENDS: Record<SourceOptions['settings']['backend'], BackendOpener> = {
  libav: openLibavSource,
  ffmpeg: openFfmpegSource,
};

/**
 * Opens a video with the backend and the device the run chose. On `gpu` it decodes with CUDA and,
 * when the device cannot open or a decode fails, retries that video on the CPU (logged), never
 * failing it for the GPU's sake.
 */
export async function openVideoSource(file: string, options: SourceOptions): Promise<OpenedVideoSource> {
  const open = overNetwork(BACKENDS[options.settings.backend]);
  const { device } = options.settings;
  if (device === 'cpu') return open(file, options, 'cpu');
  try {
    return withCpuRetry(await open(file, options, 'gpu'), file, options, open);
  } catch (error) {
    // The CPU would read the same unreachable URL.
    if (error instanceof NetworkInputError) throw error;
    options.log?.(`GPU decoding failed, decoding on CPU instead: ${errorText(error)}`);
    return open(file, options, 'cpu');
  }
}

/** An opener whose sources tell a URL's network failures in the user's words, when opening and when decoding. */
function overNetwork(open: BackendOpener): BackendOpener {
  return async (file, options, device) => {
    const timeoutS = networkTimeoutOf(options.settings);
    const source = await readingUrl(file, timeoutS, true, () => open(file, options, device));
    if (!isNetworkUrl(file)) return source;
    return {
      get device() {
        return source.device;
      },
      metadata: () => source.metadata(),
      frameTimestamps: () => source.frameTimestamps(),
      frames: (indices: readonly number[], request?: FrameRequest) => readingUrl(file, timeoutS, false, () => source.frames(indices, request)),
      close: () => source.close(),
    };
  };
}

/** A GPU source whose failing decodes are retried once on a CPU source for the same video. */
function withCpuRetry(gpu: OpenedVideoSource, file: string, options: SourceOptions, open: BackendOpener): OpenedVideoSource {
  let current = gpu;
  const onCpu = async (): Promise<OpenedVideoSource> => {
    await current.close().catch(() => undefined);
    current = await open(file, options, 'cpu');
    return current;
  };
  return {
    get device() {
      return current.device;
    },
    metadata: () => current.metadata(),
    frameTimestamps: () => current.frameTimestamps(),
    frames: async (indices: readonly number[], request?: FrameRequest) => {
      if (current.device === 'cpu') return current.frames(indices, request);
      try {
        return await current.frames(indices, request);
      } catch (error) {
        if (error instanceof RangeError || error instanceof NetworkInputError) throw error;
        options.log?.(`GPU decode failed, retrying on CPU: ${errorText(error)}`);
        return (await onCpu()).frames(indices, request);
      }
    },
    close: () => current.close(),
  };
}
