import { randomBytes } from 'node:crypto';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import type { VideoFrame } from '../video/videoTypes';
import { jpegDataUri } from './jpegDataUri';
import { thumbnailDataUri } from './thumbnailDataUri';
import { gridRecordsOf, type GridRecords, type PagedRecords } from './gridRecords';
import { keyframesOutput, type KeyframesWindow } from './keyframesOutput';
import { KEYFRAMES_MIME, PROGRESS_MIME, type KeyframesOutput, type ProgressOutput } from './notebookOutputs';
import { rgbToPng } from './pngImage';

/**
 * One output's content: MIME type → value. Text types carry text, images base64 (as Jupyter saves
 * them), `+json` types a JSON value. Several types are alternatives for one output, so a front end
 * without our renderers still shows the `text/plain` one.
 */
export type MimeBundle = Record<string, unknown>;

export interface DisplayRequest {
  data: MimeBundle;
  /** Set for updatable displays: a later request with the same id replaces the output. */
  displayId?: string;
  /** This request replaces the output shown earlier under `displayId`. */
  update: boolean;
  /** The rows behind a paged grid, for the pages (filtered, searched) the renderer asks for later. */
  pagedRecords?: GridRecords;
}

export type DisplaySink = (request: DisplayRequest) => void;

/** Outside a notebook there is nowhere to draw: show the plain-text alternative on stdout. */
const printPlainText: DisplaySink = ({ data }) => {
  const text = data['text/plain'];
  process.stdout.write(`${typeof text === 'string' ? text : JSON.stringify(data)}\n`);
};

let sink: DisplaySink = printPlainText;

/** Where displays go; the notebook kernel sends them to the notebook. */
export function setDisplaySink(displaySink: DisplaySink): void {
  sink = displaySink;
}

export interface FramesDisplayOptions {
  /** The caption above the frames (default "frames"). */
  title?: string;
  /** The video the frames come from, shown as a tooltip. */
  videoPath?: string;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function progressSummary(progress: ProgressOutput): string {
  const done = progress.processed + progress.failed + progress.skipped;
  return `${progress.state}: ${done}/${progress.total} videos (${progress.processed} processed, ${progress.failed} failed, ${progress.skipped} skipped)`;
}

/** A frame as something an <img> loads: its JPEG if one was written, else its pixels as PNG. */
function frameSource(frame: VideoFrame): string | undefined {
  if (frame.jpegPath) return jpegDataUri(frame.jpegPath);
  if (frame.data) return `data:image/png;base64,${rgbToPng(frame.width, frame.height, frame.data).toString('base64')}`;
  return undefined;
}

/** A page of the keyframe grid of a run's records, with thumbnails for the videos it carries. */
export function keyframeGridPage(records: GridRecords | PagedRecords | readonly ProcessingRecord[], window: KeyframesWindow = {}): KeyframesOutput {
  return keyframesOutput(records, thumbnailDataUri, window);
}

/**
 * Rich output from a notebook cell. `display` adds a new output per call; `newDisplay()` gives
 * one output that each call replaces (a chart redrawn in a loop, a live counter).
 */
export class Display {
  private shown = false;

  constructor(readonly displayId?: string) {}

  /** Several alternative representations of one output. */
  bundle(data: MimeBundle, pagedRecords?: GridRecords): void {
    sink({ data, displayId: this.displayId, update: this.displayId !== undefined && this.shown, ...(pagedRecords ? { pagedRecords } : {}) });
    this.shown = true;
  }

  raw(mimeType: string, value: unknown): void {
    this.bundle({ [mimeType]: value });
  }

  text(text: string): void {
    this.raw('text/plain', text);
  }

  markdown(markdown: string): void {
    this.bundle({ 'text/markdown': markdown, 'text/plain': markdown });
  }

  html(html: string): void {
    this.raw('text/html', html);
  }

  svg(svg: string): void {
    this.raw('image/svg+xml', svg);
  }

  json(value: unknown): void {
    this.bundle({ 'application/json': value, 'text/plain': JSON.stringify(value, null, 2) });
  }

  png(bytes: Uint8Array): void {
    this.raw('image/png', base64(bytes));
  }

  jpeg(bytes: Uint8Array): void {
    this.raw('image/jpeg', base64(bytes));
  }

  /** A live progress panel (what a processing run in a cell shows by itself). */
  progress(progress: ProgressOutput): void {
    this.bundle({ [PROGRESS_MIME]: progress, 'text/plain': progressSummary(progress) });
  }

  /** A keyframe grid, as built by `keyframesOutput`. */
  keyframes(output: KeyframesOutput, pagedRecords?: GridRecords): void {
    const summary = `keyframes of ${output.totalVideos} video${output.totalVideos === 1 ? '' : 's'}`;
    this.bundle({ [KEYFRAMES_MIME]: output, 'text/plain': summary }, pagedRecords);
  }

  /** Decoded frames (from `loader.getFrames`, `sampleUniform`, ...) as one row of the grid. */
  frames(frames: readonly VideoFrame[], options: FramesDisplayOptions = {}): void {
    this.keyframes({
      videos: [{
        id: options.title ?? 'frames',
        video_path: options.videoPath ?? '',
        frames: frames.map((frame) => {
          const src = frameSource(frame);
          return { index: frame.index, timestamp: frame.timestamp, ...(src ? { src } : {}) };
        }),
      }],
      offset: 0,
      totalVideos: 1,
      pageSize: 1,
    });
  }

  /**
   * The keyframe grid of a run's records (`results.records`, its processed rows, or an array):
   * one page of thumbnails, the rest fetched page by page when the user asks, so a 10k-video run
   * never puts 10k images in the notebook.
   */
  records(records: PagedRecords | readonly ProcessingRecord[], window: KeyframesWindow = {}): void {
    const grid = gridRecordsOf(records);
    this.keyframes(keyframeGridPage(grid, window), grid);
  }
}

/** Adds a new output per call. */
export const display = new Display();

/** One output that every call on the returned display replaces. */
export function newDisplay(): Display {
  return new Display(randomBytes(8).toString('hex'));
}
