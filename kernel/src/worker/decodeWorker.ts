/**
 * A decoding worker process: opens one video at a time with the chosen backend and either runs a
 * built-in task on it or answers frame requests for a processing function that lives in the parent.
 * Decoding lives here, not in the kernel process, because a native call stuck in a decoder cannot
 * be interrupted and a native crash takes its process with it: the pool kills or replaces us.
 */
import { Log } from 'node-av/lib';
import { AV_LOG_ERROR } from 'node-av/constants';
import { runBuiltinTask } from '../builtins/builtinTasks';
import { openVideoSource } from '../decode/openVideoSource';
import { freeDeviceContexts } from '../decode/libav/deviceContexts';
import type { OpenedVideoSource } from '../decode/sourceOptions';
import { VideoLoader } from '../video/videoLoader';
import { errorText } from '../errorText';
import type { CallMessage, FromWorker, OpenVideoMessage, ToWorker, WorkerStartOptions } from './workerProtocol';

// FFmpeg's warnings (deprecated pixel formats, ...) would flood the worker's stderr, which the pool
// keeps to explain crashes; errors still come through there and in the exceptions thrown.
Log.setLevel(AV_LOG_ERROR);

const start: WorkerStartOptions = JSON.parse(process.argv[2] ?? '{}') as WorkerStartOptions;

function send(message: FromWorker): void {
  process.send?.(message);
}

interface OpenJob {
  jobId: number;
  loader: VideoLoader;
  source?: OpenedVideoSource;
  framesDecoded: number;
}

let current: OpenJob | undefined;

function openJob(message: OpenVideoMessage): OpenJob {
  const job: OpenJob = {
    jobId: message.jobId,
    framesDecoded: 0,
    loader: new VideoLoader({ videoId: message.videoId, videoPath: message.videoPath, outputDir: message.outputDir }, async () => {
      job.source = await openVideoSource(message.videoPath, {
        settings: start.settings,
        gpuId: message.gpuId,
        log: (line) => send({ type: 'log', message: `${message.videoPath}: ${line}` }),
      });
      return countingSource(job, job.source);
    }),
  };
  return job;
}

/** Wraps a source to count decoded frames, for frames/s per device in progress events. */
function countingSource(job: OpenJob, source: OpenedVideoSource): OpenedVideoSource {
  return {
    // The source's device changes when a hardware decoder falls back to the CPU on its first frame.
    get device() {
      return source.device;
    },
    metadata: () => source.metadata(),
    frameTimestamps: () => source.frameTimestamps(),
    frames: async (indices, request) => {
      const frames = await source.frames(indices, request);
      job.framesDecoded += frames.length;
      return frames;
    },
    close: () => source.close(),
  };
}

async function finishJob(job: OpenJob, outcome: { result?: unknown; error?: unknown }): Promise<void> {
  await job.loader.close().catch(() => undefined);
  current = undefined;
  const rssBytes = process.memoryUsage.rss();
  const common = { jobId: job.jobId, device: job.source?.device, framesDecoded: job.framesDecoded, rssBytes };
  if (outcome.error !== undefined) {
    const errorCode = (outcome.error as NodeJS.ErrnoException | undefined)?.code;
    send({ type: 'failed', error: errorText(outcome.error), errorCode: typeof errorCode === 'string' ? errorCode : undefined, ...common });
  }
  else send({ type: 'done', result: outcome.result, ...common });
}

async function runTask(message: OpenVideoMessage): Promise<void> {
  const job = openJob(message);
  current = job;
  if (!message.task) return; // serve calls until released
  try {
    await finishJob(job, { result: await runBuiltinTask(message.task, job.loader) });
  } catch (error) {
    await finishJob(job, { error });
  }
}

async function answerCall(message: CallMessage): Promise<void> {
  const job = current;
  if (!job || job.jobId !== message.jobId) {
    send({ type: 'reply', callId: message.callId, error: `no open video for job ${message.jobId}` });
    return;
  }
  try {
    const value =
      message.method === 'metadata'
        ? await job.loader.getMetadata()
        : message.method === 'frameTimestamps'
          ? [...(await job.loader.getFrameTimestamps())]
          : await job.loader.getFrames(message.indices, message.request);
    send({ type: 'reply', callId: message.callId, value, device: job.source?.device });
  } catch (error) {
    send({ type: 'reply', callId: message.callId, error: errorText(error), device: job.source?.device });
  }
}

// Messages are handled one after another: a worker decodes one video at a time.
let queue: Promise<void> = Promise.resolve();
process.on('message', (message: ToWorker) => {
  queue = queue.then(() => {
    switch (message.type) {
      case 'open':
        return runTask(message);
      case 'call':
        return answerCall(message);
      case 'release':
        return current?.jobId === message.jobId ? finishJob(current, {}) : undefined;
    }
  });
});
// The parent going away (killed, crashed) must not leave decoders running, nor the ffmpeg programs
// they started: the worker leads its own process group (see WorkerProcess), so ending the group ends them.
process.once('exit', freeDeviceContexts);
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(0);
  }
});
send({ type: 'ready' });
