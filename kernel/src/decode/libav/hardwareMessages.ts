import { Log } from 'node-av/lib';
import { AV_LOG_WARNING, type AVLogLevel } from 'node-av/constants';

/**
 * FFmpeg's own words for why hardware decoding did not happen ("Failed setup for format cuda:
 * hwaccel initialisation returned error", "Video width 160 not within range from 48 to …"), caught
 * from its log: libavcodec says it nowhere else, and falls back to software decoding in silence.
 */
const HARDWARE_WORDS = /hwaccel|setup for format|hardware|surfaces|cuvid|nvdec|cuda|vulkan|not within range|does not support/i;
/** libavcodec's lines for the other hardware types it tries on the way, which say nothing about this one. */
const OTHER_TYPES = /does not match the type of the provided device context/;
const KEPT_LINES = 8;
/** FFmpeg hands log lines to JavaScript asynchronously; they come within milliseconds of the decode. */
const ARRIVAL_WAIT_MS = 50;

const recent: string[] = [];
let installed = false;

function onFfmpegLine(level: AVLogLevel, message: string): void {
  const line = message.trim();
  if (HARDWARE_WORDS.test(line) && !OTHER_TYPES.test(line)) {
    recent.push(line);
    if (recent.length > KEPT_LINES) recent.shift();
  }
  // What FFmpeg's default logger would have printed still reaches stderr (the pool quotes it after a crash).
  if (level <= Log.getLevel()) process.stderr.write(`${line}\n`);
}

/** Starts catching FFmpeg's hardware lines in this process (once; the default logger is back at exit). */
export function watchHardwareMessages(): void {
  if (installed) return;
  installed = true;
  Log.setCallback(onFfmpegLine, { maxLevel: AV_LOG_WARNING });
  // The native logger must not call into JavaScript while Node tears the process down.
  process.once('exit', () => Log.resetCallback());
}

/** Forgets the lines caught so far (before a decode whose reason is wanted). */
export function clearHardwareMessages(): void {
  recent.length = 0;
}

/** The hardware lines FFmpeg logged since they were last cleared, once they have arrived; '' when none. */
export async function hardwareMessages(): Promise<string> {
  const deadline = performance.now() + ARRIVAL_WAIT_MS;
  while (recent.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
  return [...new Set(recent)].join('; ');
}
