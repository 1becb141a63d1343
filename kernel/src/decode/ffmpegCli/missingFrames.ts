import { runProgramOutputs, type ProgramRun } from '../../runProgram';
import { errorText } from '../../errorText';
import type { PacketSummary } from '../videoDescription';
import { videoInput } from './ffmpegArguments';
import { frameWindow } from './frameWindows';

/** How many missing frame indices an error lists before it only counts the rest. */
const LISTED_AT_MOST = 20;
const STDERR_LINES_QUOTED = 6;

/**
 * One pass over the whole file printing the time of every frame the decoder gives, in µs on the
 * stream's own clock (`settb` makes it µs whatever the program's time base, the metadata filter
 * prints only frames that carry an entry, hence the one added).
 */
function decodedTimesInvocation(file: string, streamIndex: number, networkTimeoutS: number): ProgramRun {
  const graph = `[0:${streamIndex}]settb=1/1000000,metadata=mode=add:key=decoded:value=1,metadata=mode=print:file='pipe\\:1'`;
  return { args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-copyts', ...videoInput(file, networkTimeoutS), '-filter_complex', graph, '-f', 'null', '-'] };
}

/** The decoded frames' times in seconds, from the metadata filter's `frame:N pts:P pts_time:T` lines. */
export function decodedTimes(printed: string): number[] {
  return [...printed.matchAll(/^frame:\s*\d+\s+pts:\s*(-?\d+)/gm)].map((match) => Number(match[1]) / 1_000_000);
}

/** Frames of `wanted` whose window holds none of the decoded times (in file order: past the last output). */
export function framesNotDecoded(summary: PacketSummary, wanted: readonly number[], times: readonly number[]): number[] {
  if (summary.order === 'file') return wanted.filter((frame) => frame >= times.length);
  return wanted.filter((frame) => {
    const { fromS, toS } = frameWindow(summary, frame);
    return !times.some((time) => time >= fromS && time <= toS);
  });
}

function listed(frames: readonly number[]): string {
  const shown = frames.slice(0, LISTED_AT_MOST).join(', ');
  return frames.length > LISTED_AT_MOST ? `${shown} and ${frames.length - LISTED_AT_MOST} more` : shown;
}

/**
 * The error for an ffmpeg run that gave `delivered` of the `wanted` frames: which frames the video
 * does not decode to (found by one more pass over the whole file) and what ffmpeg said on stderr.
 */
export async function shortfallError(
  ffmpeg: string,
  file: string,
  streamIndex: number,
  summary: PacketSummary,
  wanted: readonly number[],
  delivered: number,
  networkTimeoutS: number,
): Promise<Error> {
  const gave = `decoding ${file}: ffmpeg gave ${delivered} of the ${wanted.length} frames asked`;
  let said: string;
  let missing: number[] = [];
  try {
    const { stdout, stderr } = await runProgramOutputs(ffmpeg, decodedTimesInvocation(file, streamIndex, networkTimeoutS), `decoding ${file}`);
    missing = framesNotDecoded(summary, wanted, decodedTimes(stdout.toString('utf8')));
    said = stderr.trim().split('\n').slice(-STDERR_LINES_QUOTED).join(' | ');
  } catch (error) {
    said = errorText(error);
  }
  const which = missing.length
    ? `frames ${listed(missing)} of its ${summary.pts.length} are missing (damaged, or the file changed since it was read)`
    : `every frame asked decodes when read whole, yet the selection missed some of ${listed(wanted)}`;
  return new Error(`${gave}: ${which}${said ? `; ffmpeg said: ${said}` : '; ffmpeg said nothing on stderr'}`);
}
