/**
 * The GPU check's run half, on the machine under test (no Node, no registry there: it runs on the
 * packed Node): the doctor's report, every clip of the generated set decoded on the CPU and, where
 * a CUDA device works, on the GPU, their frames compared by stamps and pixels, CUDA context creation
 * timed with and without the primary context, and FFmpeg's own frames/s where an ffmpeg with CUDA
 * is at hand. It prints one JSON report; without a CUDA device it says so and checks the rest.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { deviceContextCreations } from '../../kernel/src/decode/libav/deviceContexts';
import { clipFile, type CheckClip } from './gpuCheckClips';
import { compareFrames, decodeOn, type DeviceDecode, type FrameAgreement } from './gpuCheckDecode';
import { comparisonFfmpeg, ffmpegSpeed, timeContextCreation, type ContextTimings, type FfmpegSpeed } from './gpuCheckTimings';

interface ClipReport {
  clip: string;
  nvdec: CheckClip['nvdec'];
  cpu: DeviceDecode;
  gpu?: DeviceDecode;
  gpuAgainstCpu?: FrameAgreement;
}

interface GpuCheckReport {
  cudaDevice: { works: boolean; reason?: string };
  doctor: unknown;
  clips: ClipReport[];
  /** Device contexts the check's own process created for all its GPU decodes: one per GPU. */
  contextsCreatedForDecoding: number;
  contextCreation: ContextTimings | { skipped: string };
  ffmpeg: FfmpegSpeed[] | { skipped: string };
}

/** The doctor's JSON report, by the packed CLI (it forks its probe process beside itself). */
function doctorJson(): { report: unknown; autoDevice?: { device?: string; reason?: string } } {
  const ran = spawnSync(process.execPath, [path.join(__dirname, 'cli.js'), 'doctor', '--json'], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  try {
    const report = JSON.parse(ran.stdout) as { autoDevice?: { device?: string; reason?: string } };
    return { report, autoDevice: report.autoDevice };
  } catch {
    return { report: { error: `doctor gave no JSON (${ran.error?.message ?? `exit ${ran.status}`}): ${ran.stderr.trim().slice(-500)}` } };
  }
}

async function checkClip(dir: string, clip: CheckClip, withGpu: boolean): Promise<ClipReport> {
  const file = clipFile(dir, clip);
  const cpu = await decodeOn(file, 'cpu', 1);
  const report: ClipReport = { clip: clip.name, nvdec: clip.nvdec, cpu: cpu.result };
  if (!withGpu) return report;
  const gpu = await decodeOn(file, 'gpu', 1);
  return { ...report, gpu: gpu.result, gpuAgainstCpu: compareFrames(gpu.frames, cpu.frames) };
}

/** One clip after another: timings taken side by side would share the GPU and the CPUs. */
async function ffmpegSpeeds(ffmpeg: string, clipDir: string, clips: readonly CheckClip[], reports: readonly ClipReport[]): Promise<FfmpegSpeed[]> {
  const speeds: FfmpegSpeed[] = [];
  for (const [index, clip] of clips.entries()) speeds.push(await ffmpegSpeed(ffmpeg, clipFile(clipDir, clip), reports[index]?.cpu.frames ?? 0));
  return speeds;
}

async function main(): Promise<void> {
  const clipDir = path.join(__dirname, '..', 'clips');
  const clips = JSON.parse(readFileSync(path.join(clipDir, 'clips.json'), 'utf8')) as CheckClip[];
  const doctor = doctorJson();
  const works = doctor.autoDevice?.device === 'gpu';
  const cudaDevice = works ? { works } : { works, reason: `no CUDA device works here: ${doctor.autoDevice?.reason ?? 'the doctor could not say'}` };
  if (!works) process.stderr.write(`${cudaDevice.reason}. Checking the CPU only.\n`);
  const reports: ClipReport[] = [];
  for (const clip of clips) reports.push(await checkClip(clipDir, clip, works));
  const contextsCreatedForDecoding = deviceContextCreations();
  const skipped = { skipped: cudaDevice.reason ?? '' };
  const comparison = works ? await comparisonFfmpeg() : skipped;
  const ffmpeg = 'ffmpeg' in comparison ? await ffmpegSpeeds(comparison.ffmpeg, clipDir, clips, reports) : comparison;
  const report: GpuCheckReport = { cudaDevice, doctor: doctor.report, clips: reports, contextsCreatedForDecoding, contextCreation: works ? timeContextCreation() : skipped, ffmpeg };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`gpu check failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
