import { errorText } from '../errorText';
import { openLibavSource } from './libav/libavVideoSource';
import { openFfmpegSource } from './ffmpegCli/ffmpegVideoSource';
import type { OpenedVideoSource, SourceOptions } from './sourceOptions';
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
  const open = BACKENDS[options.settings.backend];
  const { device } = options.settings;
  if (device === 'cpu') return open(file, options, 'cpu');
  try {
    return withCpuRetry(await open(file, options, 'gpu'), file, options, open);
  } catch (error) {
    options.log?.(`GPU decoding failed, decoding on CPU instead: ${errorText(error)}`);
    return open(file, options, 'cpu');
  }
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
        if (error instanceof RangeError) throw error;
        options.log?.(`GPU decode failed, retrying on CPU: ${errorText(error)}`);
        return (await onCpu()).frames(indices, request);
      }
    },
    close: () => current.close(),
  };
}
