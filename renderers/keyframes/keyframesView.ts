import type { KeyframeThumb, KeyframesOutput, KeyframesVideo } from '../../kernel/src/display/notebookOutputs';
import { element, setText } from '../shared/dom';
import { formatTimestamp } from '../shared/format';

/** Asks the kernel for videos this output does not carry; absent when no kernel is connected. */
export type PageRequester = (offset: number, limit: number) => void;

/**
 * One keyframe grid: a page of videos, a row of thumbnails each, and an enlarged view of the frame
 * last clicked. Only one page is in the DOM at a time, so a run of any size costs one page of images.
 */
export class KeyframesView {
  readonly root = element('div', 'vbk-keyframes');
  private readonly pager = element('div', 'vbk-pager');
  private readonly previous = element('button', 'vbk-page-previous', 'Previous');
  private readonly next = element('button', 'vbk-page-next', 'Next');
  private readonly position = element('span', 'vbk-page-position');
  private readonly rows = element('div', 'vbk-rows');
  private readonly notice = element('div', 'vbk-notice');
  private readonly enlarged = element('div', 'vbk-enlarged');
  private readonly enlargedImage = element('img', 'vbk-enlarged-image');
  private readonly enlargedCaption = element('div', 'vbk-enlarged-caption');
  /** Videos known so far by their position in the run: the output's own, then pages received. */
  private readonly videos = new Map<number, KeyframesVideo>();
  private totalVideos = 0;
  private pageSize = 1;
  private page = 0;

  constructor(private readonly requestPage?: PageRequester) {
    this.previous.type = this.next.type = 'button';
    this.previous.addEventListener('click', () => this.showPage(this.page - 1));
    this.next.addEventListener('click', () => this.showPage(this.page + 1));
    this.pager.append(this.previous, this.position, this.next);
    const close = element('button', 'vbk-enlarged-close', 'Close');
    close.type = 'button';
    close.addEventListener('click', () => this.closeEnlarged());
    this.enlarged.append(this.enlargedImage, this.enlargedCaption, close);
    this.enlarged.hidden = true;
    this.enlarged.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.closeEnlarged();
    });
    this.root.append(this.pager, this.enlarged, this.rows, this.notice);
  }

  show(output: KeyframesOutput): void {
    this.videos.clear();
    this.totalVideos = output.totalVideos;
    this.pageSize = Math.max(1, Math.floor(output.pageSize));
    this.addVideos(output.offset, output.videos);
    this.showPage(Math.floor(output.offset / this.pageSize));
  }

  /** Videos sent by the kernel on request; shown if they belong to the page on screen. */
  receive(offset: number, videos: KeyframesVideo[], totalVideos: number): void {
    this.totalVideos = totalVideos;
    this.addVideos(offset, videos);
    this.showPage(this.page);
  }

  private addVideos(offset: number, videos: KeyframesVideo[]): void {
    videos.forEach((video, i) => this.videos.set(offset + i, video));
  }

  private get pageCount(): number {
    return Math.max(1, Math.ceil(this.totalVideos / this.pageSize));
  }

  private showPage(page: number): void {
    this.page = Math.min(Math.max(0, page), this.pageCount - 1);
    const first = this.page * this.pageSize;
    const end = Math.min(first + this.pageSize, this.totalVideos);
    const missing: number[] = [];
    const rows: HTMLElement[] = [];
    for (let position = first; position < end; position++) {
      const video = this.videos.get(position);
      if (video) rows.push(this.videoRow(video));
      else missing.push(position);
    }
    this.closeEnlarged();
    this.rows.replaceChildren(...rows);
    setText(this.position, this.totalVideos === 0 ? 'No videos with keyframes' : `Videos ${first + 1}–${end} of ${this.totalVideos}`);
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= this.pageCount - 1;
    this.pager.classList.toggle('vbk-single-page', this.pageCount === 1);
    setText(this.notice, this.missingText(missing));
    this.notice.hidden = missing.length === 0;
    if (missing.length > 0) this.requestPage?.(missing[0], missing[missing.length - 1] - missing[0] + 1);
  }

  private missingText(missing: number[]): string {
    if (missing.length === 0) return '';
    const which = `${missing.length} ${missing.length === 1 ? 'video' : 'videos'} of this page`;
    return this.requestPage ? `Loading ${which}…` : `${which} are not saved in this output; run the cell again to see them.`;
  }

  private videoRow(video: KeyframesVideo): HTMLElement {
    const row = element('div', 'vbk-video');
    const head = element('div', 'vbk-video-head');
    head.append(element('span', 'vbk-video-id', video.id), element('span', 'vbk-video-path', video.video_path), element('span', 'vbk-video-count', `${video.frames.length} frames`));
    const strip = element('div', 'vbk-strip');
    strip.append(...video.frames.map((frame) => this.thumbnail(video, frame)));
    row.append(head, strip);
    return row;
  }

  private thumbnail(video: KeyframesVideo, frame: KeyframeThumb): HTMLElement {
    const thumb = element('button', 'vbk-thumb');
    thumb.type = 'button';
    thumb.title = `${video.id}, frame ${frame.index} at ${formatTimestamp(frame.timestamp)}`;
    if (frame.src) {
      const image = element('img', 'vbk-thumb-image');
      image.loading = 'lazy';
      image.alt = thumb.title;
      image.src = frame.src;
      thumb.append(image);
      thumb.addEventListener('click', () => this.openEnlarged(thumb, video, frame, frame.src!));
    } else {
      thumb.append(element('span', 'vbk-thumb-missing', 'no image'));
      thumb.disabled = true;
    }
    thumb.append(element('span', 'vbk-time', formatTimestamp(frame.timestamp)));
    return thumb;
  }

  /** Opens under the row of the clicked thumbnail, so the enlarged frame appears where the eye is. */
  private openEnlarged(thumb: HTMLElement, video: KeyframesVideo, frame: KeyframeThumb, src: string): void {
    thumb.closest('.vbk-video')?.after(this.enlarged);
    this.enlargedImage.src = src;
    this.enlargedImage.alt = `${video.id}, frame ${frame.index}`;
    setText(this.enlargedCaption, `${video.id} · frame ${frame.index} · ${formatTimestamp(frame.timestamp)} · ${video.video_path}`);
    this.enlarged.hidden = false;
    this.enlarged.querySelector<HTMLButtonElement>('.vbk-enlarged-close')?.focus({ preventScroll: true });
    this.enlarged.scrollIntoView({ block: 'nearest' });
  }

  private closeEnlarged(): void {
    this.rows.before(this.enlarged);
    this.enlarged.hidden = true;
    this.enlargedImage.removeAttribute('src');
  }
}
