import type { CudaDeviceProbe } from '../device/cudaDecodeProbe';
import { describeRunDevice } from '../device/runDevice';
import type { DoctorReport } from './doctorReport';

const LABEL_WIDTH = 16;

function line(label: string, text: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${text}`;
}

function cudaDeviceLine(device: CudaDeviceProbe): string {
  const verdict = device.works ? `works: ${device.framesDecoded} frames decoded on NVDEC in ${device.milliseconds} ms` : `does not work: ${device.reason}`;
  return line(`CUDA device ${device.gpuId}`, verdict);
}

/** The doctor's report as a person reads it. */
export function doctorText(report: DoctorReport): string {
  const { versions, libav, cpuDecode, cuda, ffmpegBackend } = report;
  const lines = [`Video Batch Kernel ${versions.videoBatchKernel}: what this machine can decode with`, ''];
  lines.push(line('Node', `${versions.node} (${versions.platform})`));
  if (libav) {
    lines.push(line('node-av', `${versions.nodeAv ?? 'unknown version'}, FFmpeg ${libav.ffmpegVersion} (libavcodec ${libav.libavcodecVersion})`));
    const present = libav.decoders.filter((decoder) => decoder.available).map((decoder) => (decoder.cuda ? `${decoder.codec} (CUDA)` : decoder.codec));
    const absent = libav.decoders.filter((decoder) => !decoder.available).map((decoder) => decoder.codec);
    lines.push(line('Decoders', `${present.join(', ')}${absent.length ? `; missing: ${absent.join(', ')}` : ''}`));
    lines.push(line('Hardware types', libav.hardwareDeviceTypes.join(', ') || 'none'));
  } else {
    lines.push(line('node-av', `${versions.nodeAv ?? 'not installed'}: cannot load FFmpeg's libraries: ${report.probeProblem ?? 'unknown reason'}`));
  }
  lines.push(
    line('CPU decoding', cpuDecode.works ? `works: ${cpuDecode.framesDecoded} frames of a generated H.264 clip in ${cpuDecode.milliseconds} ms` : `does not work: ${cpuDecode.reason}`),
  );
  const { prerequisites } = cuda;
  lines.push(
    line(
      'CUDA driver',
      [
        `device nodes: ${prerequisites.deviceNodes.join(' ') || 'none'}`,
        `libcuda: ${prerequisites.driverLibrary ?? 'not found'}`,
        `driver: ${prerequisites.driverVersion ?? 'none loaded'}`,
      ].join('; '),
    ),
  );
  lines.push(...cuda.devices.map(cudaDeviceLine));
  lines.push(line("device 'auto'", describeRunDevice(report.autoDevice).replace(/^decoding/, 'decodes')));
  lines.push(
    line(
      'ffmpeg backend',
      ffmpegBackend.works
        ? `${ffmpegBackend.ffmpeg} (from ${ffmpegBackend.source}), ffprobe ${ffmpegBackend.ffprobe ?? 'none'}; ${ffmpegBackend.version}; hardware decoding: ${ffmpegBackend.hwaccels.join(', ') || 'none'}`
        : `not usable: ${ffmpegBackend.problem} (the default libav backend does not need it)`,
    ),
  );
  lines.push('', report.ok ? 'OK: videos decode on the CPU here.' : 'NOT OK: videos cannot be decoded here (see CPU decoding above).');
  return lines.join('\n');
}
