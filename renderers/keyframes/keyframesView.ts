import {
  DEFAULT_KEYFRAMES_QUERY, sameQuery, searchMatches, searchNeedle, type KeyframesOutput, type KeyframesPageReply, type KeyframesQuery, type KeyframesVideo,
} from '../../kernel/src/display/notebookOutputs';
import { element, setText } from '../shared/dom';
import { EnlargedFrame } from './enlargedFrame';
import { GridToolbar } from './gridToolbar';
import { videoRow } from './videoRow';

/** Asks the kernel for rows this output does not carry; absent when no kernel is connected. */
export type PageRequester = (offset: number, limit: number, query: KeyframesQuery) => void;

/** Whether a saved row belongs under a query: what the kernel would answer, over the rows the output carries. */
function savedRowMatches(video: KeyframesVideo, query: KeyframesQuery, needle: string): boolean {
  const inStatus = query.status === 'all' || (query.status === 'processed' ? video.status === undefined : video.status === query.status);
  return inStatus && searchMatches(needle, video);
}

/**
 * One keyframe grid: a page of rows (a row of thumbnails per video, or a failure's error), the
 * rows a status filter and a search pick, and an enlarged view of the frame last opened. With a
 * kernel the filter and search run there, over the run's records; a saved output filters the
 * rows it carries. Only one page is in the DOM at a time, so a run of any size costs one page of images.
 */
export class KeyframesView {
  readonly root = element('div', 'vbk-keyframes');
  private readonly toolbar = new GridToolbar((query) => this.setQuery(query), (page) => this.showPage(page));
  private readonly rows = element('div', 'vbk-rows');
  private readonly notice = element('div', 'vbk-notice');
  private readonly enlarged = new EnlargedFrame(this.rows);
  /** Rows known so far for the query shown, by position among its matches. */
  private readonly videos = new Map<number, KeyframesVideo>();
  private saved?: KeyframesOutput;
  private query: KeyframesQuery = DEFAULT_KEYFRAMES_QUERY;
  /** Matches of the query shown; undefined while the kernel has not answered a new query. */
  private totalVideos: number | undefined = 0;
  private pageSize = 1;
  private page = 0;

  constructor(private readonly requestPage?: PageRequester) {
    this.toolbar.previous.addEventListener('click', () => this.showPage(this.page - 1));
    this.toolbar.next.addEventListener('click', () => this.showPage(this.page + 1));
    this.notice.setAttribute('role', 'status');
    this.root.append(this.toolbar.root, this.enlarged.root, this.rows, this.notice);
  }

  show(output: KeyframesOutput): void {
    this.saved = output;
    this.query = output.query ?? DEFAULT_KEYFRAMES_QUERY;
    this.toolbar.setQuery(this.query);
    this.videos.clear();
    this.totalVideos = output.totalVideos;
    this.pageSize = Math.max(1, Math.floor(output.pageSize));
    this.addVideos(output.offset, output.videos);
    this.showPage(Math.floor(output.offset / this.pageSize));
  }

  /** Rows sent by the kernel on request; shown if they answer the query on screen. */
  receive(reply: Pick<KeyframesPageReply, 'offset' | 'videos' | 'totalVideos' | 'query'>): void {
    if (!sameQuery(reply.query ?? DEFAULT_KEYFRAMES_QUERY, this.query)) return;
    this.totalVideos = reply.totalVideos;
    this.addVideos(reply.offset, reply.videos);
    this.showPage(this.page);
  }

  /** Stops listening to the document (an enlarged frame listens for Escape). */
  dispose(): void {
    this.enlarged.hide();
  }

  private setQuery(query: KeyframesQuery): void {
    if (sameQuery(query, this.query)) return;
    this.query = query;
    this.videos.clear();
    this.page = 0;
    if (this.requestPage) {
      this.totalVideos = undefined;
    } else {
      const needle = searchNeedle(query.search);
      const matches = (this.saved?.videos ?? []).filter((video) => savedRowMatches(video, query, needle));
      this.addVideos(0, matches);
      this.totalVideos = matches.length;
    }
    this.showPage(0);
  }

  private addVideos(offset: number, videos: KeyframesVideo[]): void {
    videos.forEach((video, i) => this.videos.set(offset + i, video));
  }

  private get pageCount(): number {
    return Math.max(1, Math.ceil((this.totalVideos ?? 0) / this.pageSize));
  }

  private showPage(page: number): void {
    this.page = Math.min(Math.max(0, page), this.pageCount - 1);
    this.enlarged.hide();
    this.toolbar.setPage(this.page, this.pageCount);
    if (this.totalVideos === undefined) {
      this.rows.replaceChildren();
      this.showNotice('Searching…');
      this.requestPage?.(0, this.pageSize, this.query);
      return;
    }
    const first = this.page * this.pageSize;
    const end = Math.min(first + this.pageSize, this.totalVideos);
    const missing: number[] = [];
    const rows: HTMLElement[] = [];
    for (let position = first; position < end; position++) {
      const video = this.videos.get(position);
      if (video) rows.push(videoRow(video, (thumb, shown, frame, src) => this.enlarged.show(thumb, shown, frame, src)));
      else missing.push(position);
    }
    this.rows.replaceChildren(...rows);
    setText(this.toolbar.position, this.positionText(first, end));
    this.showNotice(this.missingText(missing) || this.savedOnlyText());
    if (missing.length > 0) this.requestPage?.(missing[0], missing[missing.length - 1] - missing[0] + 1, this.query);
  }

  private positionText(first: number, end: number): string {
    if (this.totalVideos === 0) return this.query.search.trim() || this.query.status !== 'processed' ? 'No rows match' : 'No videos with keyframes';
    return `Videos ${first + 1}–${end} of ${this.totalVideos}`;
  }

  private showNotice(text: string): void {
    setText(this.notice, text);
    this.notice.hidden = text === '';
  }

  private missingText(missing: number[]): string {
    if (missing.length === 0) return '';
    const which = `${missing.length} ${missing.length === 1 ? 'video' : 'videos'} of this page`;
    return this.requestPage ? `Loading ${which}…` : `${which} are not saved in this output; run the cell again to see them.`;
  }

  /** A saved output filtered without its kernel searched only the rows it carries. */
  private savedOnlyText(): string {
    const saved = this.saved;
    if (this.requestPage || !saved || sameQuery(this.query, saved.query ?? DEFAULT_KEYFRAMES_QUERY) || saved.videos.length >= saved.totalVideos) return '';
    return `Only the ${saved.videos.length} rows saved in this output were searched; run the cell again to search every row.`;
  }
}
