import { Codec, CodecContext, type Frame, type Stream } from 'node-av/lib';
import type { DecodeDevice } from '../../video/videoTypes';
import type { SourceOptions } from '../sourceOptions';
import { errorText } from '../../errorText';
import { avCheck } from './avCheck';
import { sharedDeviceContext } from './deviceContexts';
import { configureDecoder } from './outputOrderDecoder';
import { attachHardwareDevice, findHardwareDecoder, hardwareDecoderSetup, hardwareRefusal, type HardwareDecoderSetup } from './hardwareDecoding';
import { clearHardwareMessages, hardwareMessages, watchHardwareMessages } from './hardwareMessages';
import { knownRefusal, rememberRefusal, streamKind } from './hardwareRefusals';

/** What a decoder is opened for: one stream of one video. */
export interface DecoderTarget {
  stream: Stream;
  /** As FFmpeg names codecs (h264, hevc, …). */
  codecName: string;
  file: string;
  options: SourceOptions;
}

/** A decoder opened for a stream, and where it decodes. */
export interface OpenedDecoder {
  target: DecoderTarget;
  context: CodecContext;
  device: DecodeDevice;
  /** Present when the decoder is set up for hardware (its first frame tells whether it decodes there). */
  hardware?: { setup: HardwareDecoderSetup; kind: string };
}

/**
 * The hardware set-up for the target, or undefined where it goes to the CPU: a codec this FFmpeg
 * cannot decode there or a kind refused before (decided before any device opens), or a device that
 * does not open (tried once per process). Each reason is said once per kind or device.
 */
function hardwareFor(target: DecoderTarget): OpenedDecoder['hardware'] {
  const { stream, codecName, options } = target;
  const setup = hardwareDecoderSetup(options.hardwareDeviceType ?? 'cuda', options.gpuId, codecName);
  const kind = streamKind(setup, stream.codecpar);
  const device = `${setup.deviceType.toUpperCase()} device ${setup.device}`;
  const refuse = (key: string, refusal: string): undefined => {
    if (rememberRefusal(key, refusal)) options.log?.(`decoding on CPU: ${refusal}`);
    return undefined;
  };
  const streamRefusal = hardwareRefusal(setup) ?? knownRefusal(kind);
  if (streamRefusal !== undefined) return refuse(kind, streamRefusal);
  const deviceFailure = knownRefusal(device) ?? openFailure(setup);
  if (deviceFailure !== undefined) return refuse(device, deviceFailure);
  return { setup, kind };
}

/** Why the set-up's device does not open, when it does not (the process's context is created here). */
function openFailure(setup: HardwareDecoderSetup): string | undefined {
  try {
    sharedDeviceContext(setup.deviceType, setup.device);
    return undefined;
  } catch (error) {
    return `the GPU cannot be used: ${errorText(error)}`;
  }
}

/**
 * Opens a decoder for the target on `device`. On `gpu`, a codec this FFmpeg cannot decode on the
 * hardware, or a kind of stream the hardware refused before in this process, opens on the CPU
 * straight away (no device context, no failed decode). The hardware decodes at one thread: frame
 * threads make FFmpeg ask NVDEC for surfaces per thread, past its pool of 32; the CPU at the run's.
 */
export function openDecoder(target: DecoderTarget, device: DecodeDevice): OpenedDecoder {
  const { stream, codecName, file, options } = target;
  const hardware = device === 'gpu' ? hardwareFor(target) : undefined;
  const codec = hardware ? findHardwareDecoder(hardware.setup) : Codec.findDecoder(stream.codecpar.codecId);
  if (!codec) throw new Error(`no decoder for codec '${codecName}' of ${file}`);
  const context = new CodecContext();
  try {
    configureDecoder(context, codec, stream, hardware ? 1 : options.settings.threads, file);
    if (hardware) {
      watchHardwareMessages();
      clearHardwareMessages();
      attachHardwareDevice(context, hardware.setup);
    }
    avCheck(context.open2Sync(codec, null), `cannot open the ${codecName} decoder for`, file);
  } catch (error) {
    context.freeContext();
    throw error;
  }
  return { target, context, device: hardware ? 'gpu' : 'cpu', ...(hardware ? { hardware } : {}) };
}

/**
 * Whether a frame out of a hardware decoder shows that FFmpeg fell back to software (its
 * get_format dropped the hardware format: NVDEC refused the stream). The first frame delivered
 * tells: a decoder does not change its format within a stream.
 */
export function fellBackToSoftware(opened: OpenedDecoder, frame: Frame): boolean {
  return opened.hardware !== undefined && !frame.isHwFrame();
}

/**
 * After a fallback: remembers the refusal (FFmpeg's reason logged the first time in this process)
 * and opens a CPU decoder in place of the hardware one, with the CPU's thread count.
 */
async function reopenOnCpu(opened: OpenedDecoder): Promise<OpenedDecoder> {
  const { target } = opened;
  const { setup, kind } = opened.hardware!;
  const said = (await hardwareMessages()) || 'it gave frames in memory, not on the device';
  const reason = `${setup.deviceType.toUpperCase()} did not decode ${kind}; FFmpeg decoded it in software: ${said}`;
  if (rememberRefusal(kind, reason)) target.options.log?.(`decoding on CPU: ${reason}`);
  opened.context.freeContext();
  return openDecoder(target, 'cpu');
}

/** Thrown out of a decode whose first frame showed the fallback: the decode starts again on the CPU. */
export class SoftwareFallback extends Error {}

/**
 * Runs `decode` with the decoder `opened`; when its first delivered frame shows the fallback, hands
 * `onCpu` the CPU decoder that replaces it and runs `decode` again (no frame was delivered yet).
 */
export async function decodeFallingBack<T>(opened: OpenedDecoder, onCpu: (replacement: OpenedDecoder) => void, decode: () => T): Promise<T> {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof SoftwareFallback)) throw error;
    onCpu(await reopenOnCpu(opened));
    return decode();
  }
}
