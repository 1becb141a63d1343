import { resolveFfmpegBinary, type FfmpegSource } from '../decode/ffmpegCli/ffmpegBinary';
import { ffmpegHwaccels } from '../decode/ffmpegCli/ffmpegHardwareCheck';
import type { CudaDeviceProbe } from '../device/cudaDecodeProbe';
import { readCudaPrerequisites, type CudaPrerequisites } from '../device/cudaPrerequisites';
import type { CpuDecodeProbe, LibavInventory } from '../device/deviceProbeProtocol';
import { probeDecoding } from '../device/probeDecoding';
import { decideRunDevice, type RunDevice } from '../device/runDevice';
import { errorText } from '../errorText';
import { installedVersion, packageVersion } from '../packageInfo';
import { runProgram } from '../runProgram';

export type FfmpegBackendReport =
  | { works: true; ffmpeg: string; ffprobe: string | null; source: FfmpegSource; version: string; hwaccels: string[] }
  | { works: false; problem: string };

/** What this machine can decode with: `video-batch-kernel doctor` prints it, `--json` as is. */
export interface DoctorReport {
  /** The CPU path works: a generated clip decoded with the libav backend. */
  ok: boolean;
  versions: { videoBatchKernel: string; node: string; nodeAv: string | null; platform: string };
  /** Absent when the FFmpeg libraries could not be loaded (probeProblem says why). */
  libav?: LibavInventory;
  probeProblem?: string;
  cpuDecode: CpuDecodeProbe;
  cuda: { prerequisites: CudaPrerequisites; devices: CudaDeviceProbe[] };
  /** What a run with `device: 'auto'` would decode on here. */
  autoDevice: RunDevice;
  ffmpegBackend: FfmpegBackendReport;
}

async function ffmpegBackendReport(ffmpegPath: string | undefined): Promise<FfmpegBackendReport> {
  try {
    const binary = resolveFfmpegBinary(ffmpegPath);
    const output = await runProgram(binary.ffmpeg, { args: ['-hide_banner', '-version'] }, 'ffmpeg -version');
    // Its own build's hardware decoding (what `--backend ffmpeg --device auto` asks about), not node-av's.
    const hwaccels = await ffmpegHwaccels(binary.ffmpeg);
    return { works: true, ...binary, version: output.toString('utf8').split('\n')[0]!.trim(), hwaccels };
  } catch (error) {
    return { works: false, problem: errorText(error) };
  }
}

/** The CUDA ordinals to try: every GPU the machine shows, or device 0 to say why there is none. */
function cudaOrdinals(visibleGpuCount: number | null): number[] {
  return visibleGpuCount ? Array.from({ length: visibleGpuCount }, (_, ordinal) => ordinal) : [0];
}

export async function doctorReport(options: { ffmpegPath?: string } = {}): Promise<DoctorReport> {
  const prerequisites = readCudaPrerequisites();
  const gpuIds = cudaOrdinals(prerequisites.visibleGpuCount);
  const [probe, ffmpegBackend] = await Promise.all([
    probeDecoding({ gpuIds, cpu: true, inventory: true, prerequisites }),
    ffmpegBackendReport(options.ffmpegPath),
  ]);
  const cpuDecode = probe.cpu ?? { works: false, reason: probe.probeFailure ?? 'not probed', milliseconds: 0 };
  return {
    ok: cpuDecode.works,
    versions: {
      videoBatchKernel: packageVersion(),
      node: process.version,
      nodeAv: installedVersion('node-av'),
      platform: `${process.platform}-${process.arch}`,
    },
    ...(probe.inventory ? { libav: probe.inventory } : {}),
    ...(probe.probeFailure ? { probeProblem: probe.probeFailure } : {}),
    cpuDecode,
    cuda: { prerequisites: probe.prerequisites, devices: probe.cuda },
    autoDevice: decideRunDevice('auto', gpuIds, probe.cuda),
    ffmpegBackend,
  };
}
