/**
 * Videos named by an http:// or https:// URL (a presigned S3 or GCS URL is one): the decoder reads
 * them itself, with range requests, so a video is never downloaded whole first. What both backends
 * share lives here: which paths are URLs, the protocol options they read them with, and the words a
 * network failure is told in.
 */
import { errorText } from '../errorText';

/** Whether a CSV's path is a URL the decoder reads over the network (kept as written, never resolved). */
export function isNetworkUrl(videoPath: string): boolean {
  return /^https?:\/\//i.test(videoPath);
}

/** The longest silence a connection is allowed, when the per-video limit is long or absent. */
export const MAX_NETWORK_TIMEOUT_S = 20;
/** The shortest, so that a slow but live server is not cut off. */
const MIN_NETWORK_TIMEOUT_S = 0.5;
/**
 * A stalled server costs several timeouts before FFmpeg gives up: the format probe and the open
 * each read, and each read is retried once (see protocolOptions); about 8.5 of them were measured
 * for an mp4 whose server stops halfway. A twelfth of the per-video limit keeps that inside it, so
 * a stall is reported as the network's fault, not as a worker killed for taking too long.
 */
const SHARE_OF_VIDEO_TIMEOUT = 12;

/** Seconds without data after which a read from a URL fails, for a per-video limit (0: none). */
export function networkTimeoutSeconds(videoTimeoutMs: number): number {
  if (!(videoTimeoutMs > 0)) return MAX_NETWORK_TIMEOUT_S;
  const share = videoTimeoutMs / 1000 / SHARE_OF_VIDEO_TIMEOUT;
  return Math.min(MAX_NETWORK_TIMEOUT_S, Math.max(MIN_NETWORK_TIMEOUT_S, Math.round(share * 10) / 10));
}

/**
 * FFmpeg's http protocol options: `rw_timeout` (microseconds) fails a read that gets no data for
 * that long; `reconnect*` reopen the connection (at the offset reached, by a range request) when it
 * drops, errs or times out, where the server accepts ranges, or for a streamed one. One retry per
 * read (`reconnect_max_retries`), after at most a second, rides out a dropped connection without
 * multiplying the wait on a dead server.
 */
export function protocolOptions(timeoutS: number): Record<string, string> {
  return {
    rw_timeout: String(Math.round(timeoutS * 1_000_000)),
    reconnect: '1',
    reconnect_streamed: '1',
    reconnect_on_network_error: '1',
    reconnect_delay_max: '1',
    reconnect_max_retries: '1',
  };
}

/**
 * The same options as input arguments of the ffmpeg and ffprobe programs (none for a file), less
 * `reconnect_max_retries`: it is new in FFmpeg 7.1 and an older program refuses an option it does
 * not know. Such a program waits longer on a stalled server; the per-video limit still ends it.
 */
export function protocolArgs(input: string, timeoutS: number): string[] {
  if (!isNetworkUrl(input)) return [];
  const { reconnect_max_retries: _newer, ...known } = protocolOptions(timeoutS);
  return Object.entries(known).flatMap(([name, value]) => [`-${name}`, value]);
}

/** A URL that could not be read: the message says why in the user's words. */
export class NetworkInputError extends Error {}

/** The network timeout a source was given (workers get it from the run's per-video limit). */
export function networkTimeoutOf(settings: { networkTimeoutS?: number }): number {
  return settings.networkTimeoutS ?? MAX_NETWORK_TIMEOUT_S;
}

/**
 * Runs `work` on `file`; when it is a URL, a failure that is the network's is thrown again as a
 * NetworkInputError in the user's words. `opening`: the work opens the URL, where a failure that
 * took the whole timeout is a stall whatever the demuxer called it.
 */
export async function readingUrl<T>(file: string, timeoutS: number, opening: boolean, work: () => Promise<T>): Promise<T> {
  if (!isNetworkUrl(file)) return work();
  const started = performance.now();
  try {
    return await work();
  } catch (error) {
    if (error instanceof NetworkInputError || error instanceof RangeError) throw error;
    const slow = opening && performance.now() - started >= timeoutS * 1000;
    const reason = networkFailure(errorText(error), file, timeoutS, slow);
    throw reason ? new NetworkInputError(reason, { cause: error }) : error;
  }
}

/** `host:port` of a URL, the port filled from the scheme when the URL leaves it out. */
function hostAndPort(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return url;
  }
}

/** The URL without its query or user info: a presigned URL's signature, or a password, stays out of messages. */
export function shownUrl(url: string): string {
  const query = url.search(/[?#]/);
  const bare = (query < 0 ? url : `${url.slice(0, query)}?…`).replace(/^(https?:\/\/)[^/@]*@/i, '$1');
  return bare;
}

/**
 * The user's words for FFmpeg's report (its error text, or a program's stderr) about `url`, or
 * undefined when the report is not about the network. `slow`: the failing call lasted at least the
 * network timeout, which is how a stall after the headers shows: the demuxer then sees a cut file
 * and says "invalid data", the network's reason lost.
 */
export function networkFailure(report: string, url: string, timeoutS: number, slow = false): string | undefined {
  const shown = shownUrl(url);
  const status = /Server returned (\d{3}|[45]XX) ([^|\n]*?)(?:\s*\||\n|$)/.exec(report);
  if (status) return `HTTP ${status[1]} ${status[2].trim()} for ${shown}`;
  if (/Connection refused/i.test(report)) return `connection refused by ${hostAndPort(url)}`;
  if (/timed out/i.test(report) || slow) return `timed out: no data for ${timeoutS} s from ${shown}`;
  if (/Failed to resolve hostname|Name or service not known/i.test(report)) return `cannot resolve the host of ${shown}`;
  return undefined;
}
