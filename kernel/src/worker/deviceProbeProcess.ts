/**
 * The device probe's process: generates a short H.264 clip, decodes it on each CUDA device asked
 * for (and on the CPU when asked), and sends its DeviceProbeReport to the parent over IPC (or prints
 * it as JSON when run by hand). It is a process of its own because a broken GPU driver can crash or
 * hang whoever opens it; the parent (device/probeDecoding.ts) keeps running and says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Log } from 'node-av/lib';
import { AV_LOG_QUIET } from 'node-av/constants';
import { probeCudaDecode, type CudaDeviceProbe } from '../device/cudaDecodeProbe';
import { probeCpuDecode } from '../device/cpuDecodeProbe';
import { probeFfmpegDecode } from '../device/ffmpegDecodeProbe';
import { readLibavInventory } from '../device/libavInventory';
import { PROBE_CLIP, type DeviceProbeReport, type DeviceProbeRequest } from '../device/deviceProbeProtocol';
import { generateVideo } from '../../../samples/videoGenerator';

/** The GPU asked about (a process opens one device: see decode/libav/deviceContexts.ts), its refusal in FFmpeg's words from the process's log. */
async function probeEachDevice(clip: string, request: DeviceProbeRequest): Promise<CudaDeviceProbe[]> {
  const probes: CudaDeviceProbe[] = [];
  for (const gpuId of request.gpuIds) {
    const { frameCount } = PROBE_CLIP;
    const type = request.hardwareDeviceType;
    probes.push(await (request.ffmpeg ? probeFfmpegDecode(request.ffmpeg, clip, frameCount, gpuId, type) : probeCudaDecode(clip, frameCount, gpuId, type)));
  }
  return probes;
}

async function main(request: DeviceProbeRequest): Promise<DeviceProbeReport> {
  // FFmpeg's own lines ("Failed setup for format cuda", …) would reach the parent's terminal; the
  // report carries what matters in words.
  Log.setLevel(AV_LOG_QUIET);
  const dir = mkdtempSync(path.join(tmpdir(), 'vbk-device-probe-'));
  try {
    const clip = path.join(dir, 'probe.mp4');
    await generateVideo({ path: clip, ...PROBE_CLIP });
    return {
      inventory: request.inventory ? readLibavInventory() : undefined,
      cpu: request.cpu ? await probeCpuDecode(clip, PROBE_CLIP.frameCount) : undefined,
      cuda: await probeEachDevice(clip, request),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const request = JSON.parse(process.argv[2] ?? '{"gpuIds":[],"cpu":true,"inventory":true}') as DeviceProbeRequest;
void main(request).then(
  (report) => (process.send ? process.send(report) : process.stdout.write(`${JSON.stringify(report)}\n`)),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
