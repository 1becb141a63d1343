import { errorText } from '../../errorText';
import { runProgram } from '../../runProgram';
import type { HardwareDeviceType } from '../libav/hardwareTypes';
import { decodeDeviceArgs, videoInput } from './ffmpegArguments';

/** The hardware decoding methods an ffmpeg program was built with (`ffmpeg -hwaccels`). */
export async function ffmpegHwaccels(ffmpeg: string): Promise<string[]> {
  const output = await runProgram(ffmpeg, { args: ['-hide_banner', '-hwaccels'] }, 'listing the hardware decoding methods of ffmpeg');
  return output
    .toString('utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.endsWith(':'));
}

/** What a decode on the hardware showed. */
export interface FfmpegHardwareDecode {
  onHardware: boolean;
  /** Why not, when not. */
  reason?: string;
}

/**
 * Decodes the first `frames` frames of stream `streamIndex` of `file` with `-hwaccel`, the frames kept in device memory and
 * downloaded there: ffmpeg falls back to software in silence when the hardware refuses a stream
 * (AV1 on a GPU without AV1 NVDEC), and only a download, which takes device frames alone, tells.
 */
export async function ffmpegHardwareDecode(ffmpeg: string, file: string, place: { streamIndex: number; gpuId: number; type: HardwareDeviceType; networkTimeoutS: number }, frames: number): Promise<FfmpegHardwareDecode> {
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    ...decodeDeviceArgs('gpu', place.gpuId, place.type), '-hwaccel_output_format', place.type,
    ...videoInput(file, place.networkTimeoutS),
    '-map', `0:${place.streamIndex}`, '-frames:v', String(frames), '-vf', 'hwdownload', '-f', 'null', '-',
  ];
  try {
    await runProgram(ffmpeg, { args }, `decoding ${file} with ${place.type}`);
    return { onHardware: true };
  } catch (error) {
    const text = errorText(error);
    if (/Impossible to convert between the formats/.test(text)) {
      return { onHardware: false, reason: `${ffmpeg} decoded ${file} in software: its ${place.type} decoding did not take the stream` };
    }
    return { onHardware: false, reason: text };
  }
}
