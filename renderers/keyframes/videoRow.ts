import type { KeyframeThumb, KeyframesVideo } from '../../kernel/src/display/notebookOutputs';
import { FAILURE_KIND_LABELS } from '../../kernel/src/stats/failureKinds';
import { element } from '../shared/dom';
import { formatTimestamp } from '../shared/format';

/** What a click (or Enter) on a thumbnail opens. */
export type OpenFrame = (thumb: HTMLElement, video: KeyframesVideo, frame: KeyframeThumb, src: string) => void;

/** One video of the grid: its frames as buttons, or, for a row that did not process, its error as text. */
export function videoRow(video: KeyframesVideo, open: OpenFrame): HTMLElement {
  const row = element('div', video.status ? `vbk-video vbk-video-${video.status}` : 'vbk-video');
  const head = element('div', 'vbk-video-head');
  head.append(element('span', 'vbk-video-id', video.id), element('span', 'vbk-video-path', video.video_path));
  if (video.status) {
    const kind = video.status === 'failed' && video.kind ? ` · ${FAILURE_KIND_LABELS[video.kind]}` : '';
    head.append(element('span', 'vbk-video-status', `${video.status}${kind}`));
    row.append(head, element('div', 'vbk-video-error', video.error ?? ''));
    return row;
  }
  head.append(element('span', 'vbk-video-count', `${video.frames.length} frames`));
  const strip = element('div', 'vbk-strip');
  strip.append(...video.frames.map((frame) => thumbnail(video, frame, open)));
  row.append(head, strip);
  return row;
}

function thumbnail(video: KeyframesVideo, frame: KeyframeThumb, open: OpenFrame): HTMLElement {
  const thumb = element('button', 'vbk-thumb');
  thumb.type = 'button';
  thumb.title = `${video.id}, frame ${frame.index} at ${formatTimestamp(frame.timestamp)}`;
  const src = frame.src;
  if (src) {
    const image = element('img', 'vbk-thumb-image');
    image.loading = 'lazy';
    image.alt = thumb.title;
    image.src = src;
    thumb.append(image);
    thumb.addEventListener('click', () => open(thumb, video, frame, src));
  } else {
    thumb.append(element('span', 'vbk-thumb-missing', 'no image'));
    thumb.disabled = true;
  }
  thumb.append(element('span', 'vbk-time', formatTimestamp(frame.timestamp)));
  return thumb;
}
