import { Dictionary, HardwareDeviceContext } from 'node-av/lib';
import { avErrorText } from './avCheck';
import { hardwareTypeCode, type HardwareDeviceType } from './hardwareTypes';

/**
 * One hardware device context per device per process, shared by every video the process decodes:
 * creating a CUDA context costs a few hundred milliseconds, more than the frames of a short clip.
 * On CUDA it is the device's primary context (`primary_ctx`), the one the driver keeps per device
 * and process anyway, rather than another context of the process's own.
 */
const contexts = new Map<string, HardwareDeviceContext>();
let creations = 0;
/**
 * The first device name this process gave node-av. Its binding keeps that name for every later
 * `create` of the process, whatever name is passed (seen with node-av 6.1: CUDA "97" failing, then
 * Vulkan "0" fails with "Unable to find device with index 97"; Vulkan "0" then "5" opens device 0
 * twice). A second GPU would silently be the first one again, so a process keeps to one device:
 * the worker pool gives each decoding worker one GPU, and the probe asks each GPU in its own process.
 */
let firstDeviceName: string | undefined;

/** Refuses a device other than the one this process opened first (see firstDeviceName). */
function checkOneDevicePerProcess(type: HardwareDeviceType, device: string): void {
  firstDeviceName ??= device;
  if (device !== firstDeviceName) {
    throw new Error(`cannot open ${type.toUpperCase()} device ${device} in a process that opened device ${firstDeviceName} (one GPU per decoding process)`);
  }
}

/** The options a device of `type` is created with. */
export function deviceCreationOptions(type: HardwareDeviceType, primaryContext = true): Record<string, string> {
  return type === 'cuda' && primaryContext ? { primary_ctx: '1' } : {};
}

/**
 * Creates a device context (not shared): the caller frees it. An error naming the device when it
 * cannot open.
 */
export function createDeviceContext(type: HardwareDeviceType, device: string, options: Record<string, string>): HardwareDeviceContext {
  checkOneDevicePerProcess(type, device);
  const context = new HardwareDeviceContext();
  const dictionary = Object.keys(options).length ? Dictionary.fromObject(options) : null;
  const code = context.create(hardwareTypeCode(type), device, dictionary);
  dictionary?.free();
  if (code < 0) {
    context.free();
    throw new Error(`cannot open ${type.toUpperCase()} device ${device}: ${avErrorText(code)}`);
  }
  creations++;
  return context;
}

/** The process's context for `device` of `type`, created on first use; the cache keeps it (never free it). */
export function sharedDeviceContext(type: HardwareDeviceType, device: string): HardwareDeviceContext {
  const key = `${type}:${device}`;
  let context = contexts.get(key);
  if (!context) {
    context = createDeviceContext(type, device, deviceCreationOptions(type));
    contexts.set(key, context);
  }
  return context;
}

/** How many device contexts this process has created so far (shared or not). */
export function deviceContextCreations(): number {
  return creations;
}

/** Frees the shared contexts (at process exit, after every decoder that used one is freed). */
export function freeDeviceContexts(): void {
  for (const context of contexts.values()) context.free();
  contexts.clear();
}
