import { fork } from 'node:child_process';
import { deviceProbeScript } from '../worker/workerEntryPath';
import type { CudaDeviceProbe } from './cudaDecodeProbe';
import { readCudaPrerequisites, type CudaPrerequisites } from './cudaPrerequisites';
import type { CpuDecodeProbe, DeviceProbeReport, DeviceProbeRequest, LibavInventory } from './deviceProbeProtocol';
import { howProcessEnded } from '../processes';

/** Longer than any working decode of the probe clip (a CUDA context takes well under a second). */
const PROBE_TIMEOUT_MS = 60_000;
const STDERR_LINES_QUOTED = 6;

export interface DecodingProbe {
  prerequisites: CudaPrerequisites;
  /** One entry per CUDA device asked about, in the order asked. */
  cuda: CudaDeviceProbe[];
  /** Present when the CPU was asked about. */
  cpu?: CpuDecodeProbe;
  /** Present when asked for and the probe process could read it. */
  inventory?: LibavInventory;
  /** Why the probe process gave no report (node-av cannot load, a crash, a hang); absent when it did. */
  probeFailure?: string;
}

export interface DecodingProbeOptions {
  gpuIds: readonly number[];
  cpu?: boolean;
  inventory?: boolean;
  timeoutMs?: number;
  /** The ffmpeg program to ask about the GPUs (the ffmpeg backend's); absent: the FFmpeg libraries. */
  ffmpeg?: string;
  /** Already read by the caller (to choose which devices to ask about); read here otherwise. */
  prerequisites?: CudaPrerequisites;
}

/**
 * Whether decoding works here, found out by decoding: on each CUDA device asked about and, when
 * asked, on the CPU. Devices the file system already rules out (no /dev/nvidia*, no libcuda.so.1,
 * an ordinal past the visible GPUs) are answered without starting anything; the rest decode a
 * generated clip in a probe process. The run's `device: 'auto'` and the doctor both ask here.
 */
export async function probeDecoding(options: DecodingProbeOptions): Promise<DecodingProbe> {
  const prerequisites = options.prerequisites ?? readCudaPrerequisites();
  const answered = new Map<number, CudaDeviceProbe>();
  for (const gpuId of options.gpuIds) {
    const reason = prerequisites.blocker ?? ordinalProblem(gpuId, prerequisites);
    if (reason) answered.set(gpuId, { gpuId, works: false, reason, milliseconds: 0 });
  }
  const toDecode = [...new Set(options.gpuIds.filter((gpuId) => !answered.has(gpuId)))];
  const extra: Pick<DecodingProbe, 'cpu' | 'inventory' | 'probeFailure'> = {};
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const requests = probeRequests(toDecode, options);
  const outcomes = await Promise.all(requests.map((request) => runProbeProcess(request, timeoutMs)));
  outcomes.forEach((outcome, at) => {
    const { gpuIds, cpu, inventory } = requests[at]!;
    if ('failure' in outcome) {
      for (const gpuId of gpuIds) answered.set(gpuId, { gpuId, works: false, reason: outcome.failure, milliseconds: 0 });
      if (cpu) extra.cpu = { works: false, reason: outcome.failure, milliseconds: 0 };
      // Only the process that loads FFmpeg's libraries for the CPU and the inventory says whether they load.
      if (cpu || inventory) extra.probeFailure = outcome.failure;
      return;
    }
    for (const probe of outcome.report.cuda) answered.set(probe.gpuId, probe);
    if (outcome.report.cpu) extra.cpu = outcome.report.cpu;
    if (outcome.report.inventory) extra.inventory = outcome.report.inventory;
  });
  return { prerequisites, cuda: options.gpuIds.map((gpuId) => answered.get(gpuId)!), ...extra };
}

/**
 * The probe processes: the CPU and the inventory in one of their own, so a GPU whose driver crashes
 * or hangs its process takes nothing else down; each GPU in its own when the FFmpeg libraries decode
 * (node-av opens one device per process, see decode/libav/deviceContexts.ts); every GPU in one when
 * the ffmpeg program does (each decode is a program run of its own).
 */
function probeRequests(gpuIds: readonly number[], options: DecodingProbeOptions): DeviceProbeRequest[] {
  const program = options.ffmpeg ? { ffmpeg: options.ffmpeg } : {};
  const gpuGroups = options.ffmpeg ? (gpuIds.length ? [gpuIds] : []) : gpuIds.map((gpuId) => [gpuId]);
  const requests: DeviceProbeRequest[] = gpuGroups.map((group) => ({ gpuIds: [...group], cpu: false, inventory: false, ...program }));
  if (options.cpu || options.inventory) requests.push({ gpuIds: [], cpu: options.cpu ?? false, inventory: options.inventory ?? false, ...program });
  return requests;
}

function ordinalProblem(gpuId: number, prerequisites: CudaPrerequisites): string | undefined {
  const visible = prerequisites.visibleGpuCount;
  if (visible === null || gpuId < visible) return undefined;
  return `no CUDA device ${gpuId}: this machine shows ${visible} (ordinals 0 to ${visible - 1})`;
}

function runProbeProcess(request: DeviceProbeRequest, timeoutMs: number): Promise<{ report: DeviceProbeReport } | { failure: string }> {
  return new Promise((resolve) => {
    const child = fork(deviceProbeScript, [JSON.stringify(request)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    let report: DeviceProbeReport | undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr += chunk));
    child.on('message', (message: DeviceProbeReport) => (report = message));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const settle = (failure?: string) => {
      clearTimeout(timer);
      resolve(report && !failure ? { report } : { failure: failure ?? 'the device probe gave no answer' });
    };
    child.once('error', (error) => settle(`the device probe could not start: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (report) return settle();
      const tail = stderr.trim().split('\n').slice(-STDERR_LINES_QUOTED).join(' | ');
      const how = timedOut ? `did not finish within ${timeoutMs / 1000} s` : howProcessEnded(code, signal);
      settle(`the device probe (a decode of a generated clip) ${how}${tail ? `: ${tail}` : ''}`);
    });
  });
}
