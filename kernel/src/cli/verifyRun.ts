import { Log } from 'node-av/lib';
import { AV_LOG_ERROR } from 'node-av/constants';
import { errorText } from '../errorText';
import { InputError } from '../inputError';
import type { FrameTolerance } from '../verify/frameComparison';
import { freshSeed } from '../verify/seededRandom';
import type { VideoCheck } from '../verify/videoCheck';
import { verifyDataset, type VerifyReport } from '../verify/verifyDataset';
import { EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_FRAMES_DIFFER, EXIT_OK } from './exitCodes';
import type { VerifyCommand } from './verifyCommand';

/** Differences as they read in a line: whole levels when whole, else one decimal. */
function level(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** What one video's verdict says, after its name: `ok`, `DIFFERS frame 37: mean 12.4 max 200`, `count differs: …`, `failed: …`. */
export function verdictText(check: VideoCheck): string {
  if (check.status === 'failed') return `failed: ${check.error}`;
  const parts: string[] = [];
  if (check.decoded_frames !== check.engine_frames) parts.push(`count differs: engine ${check.engine_frames}, decoded ${check.decoded_frames}`);
  for (const frame of check.frames.filter((each) => !each.equal)) {
    parts.push(`DIFFERS frame ${frame.index}: ${frame.missing ? 'not among the decoded frames' : `mean ${level(frame.mean)} max ${level(frame.max)}`}`);
  }
  if (check.status === 'differs') return [...parts, ...(check.error ? [check.error] : [])].join('; ');
  const largest = Math.max(0, ...check.frames.map((frame) => frame.mean));
  return `ok (${check.frames.length} frames of ${check.engine_frames}${largest > 0 ? `, mean difference up to ${level(largest)}` : ''})`;
}

function videoName(check: VideoCheck): string {
  return `${check.id} (${check.video_path})`;
}

function toleranceText(tolerance: FrameTolerance): string {
  return tolerance.mean === 0 && tolerance.max === 0 ? 'frames must be equal' : `frames may differ by a mean of ${level(tolerance.mean)}`;
}

function summaryText(report: VerifyReport): string {
  const checked = report.videos.length;
  return [
    `checked ${checked} of ${report.candidate_rows} videos (${report.total_rows} rows; seed ${report.seed}; ${report.backend} on ${report.device}, ${toleranceText(report.tolerance)}):`,
    `${report.ok} ok, ${report.differs} differ, ${report.failed} failed`,
  ].join(' ');
}

/** The exit code a finished check means; see VERIFY_COMMAND's exit codes. */
export function verifyExitCode(report: VerifyReport): number {
  if (report.differs > 0) return EXIT_FRAMES_DIFFER;
  return report.ok > 0 ? EXIT_OK : EXIT_BAD_INPUT;
}

/** `verify`: checks the sample, a line per video as it is checked (or one JSON object), and answers the exit code. */
export async function runVerifyCommand(command: VerifyCommand): Promise<number> {
  const seed = command.seed ?? freshSeed();
  // FFmpeg's warnings (deprecated pixel formats, …) would bury the verdicts; its errors come as the reasons.
  Log.setLevel(AV_LOG_ERROR);
  try {
    const report = await verifyDataset({
      ...command,
      seed,
      onVideo: command.json ? undefined : (check) => process.stdout.write(`${videoName(check)}: ${verdictText(check)}\n`),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (command.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${summaryText(report)}\n`);
    if (report.ok + report.differs === 0) {
      process.stderr.write(`error: no video of the sample could be checked${report.videos.length ? ' (every one failed, for the reasons given)' : ` (${command.csvPath} has no row with a video path)`}\n`);
    }
    return verifyExitCode(report);
  } catch (error) {
    process.stderr.write(`error: ${errorText(error)}\n`);
    return error instanceof InputError ? EXIT_BAD_INPUT : EXIT_ENVIRONMENT;
  }
}
