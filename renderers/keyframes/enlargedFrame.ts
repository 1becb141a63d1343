import type { KeyframeThumb, KeyframesVideo } from '../../kernel/src/display/notebookOutputs';
import { element, setText } from '../shared/dom';
import { formatTimestamp } from '../shared/format';

/**
 * The frame last opened, large, under its video's row. Escape closes it wherever focus is (the
 * document listens only while it is open); focus inside it goes back to the thumbnail that opened it.
 */
export class EnlargedFrame {
  readonly root = element('div', 'vbk-enlarged');
  private readonly image = element('img', 'vbk-enlarged-image');
  private readonly caption = element('div', 'vbk-enlarged-caption');
  private readonly close = element('button', 'vbk-enlarged-close', 'Close');
  private opener?: HTMLElement;
  private readonly onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    this.hide();
  };

  /** `home`: where the closed view waits, so it never sits between rows of the next page. */
  constructor(private readonly home: HTMLElement) {
    this.close.type = 'button';
    this.close.addEventListener('click', () => this.hide());
    this.root.setAttribute('role', 'dialog');
    this.root.append(this.image, this.caption, this.close);
    this.root.hidden = true;
  }

  show(thumb: HTMLElement, video: KeyframesVideo, frame: KeyframeThumb, src: string): void {
    thumb.closest('.vbk-video')?.after(this.root);
    this.opener = thumb;
    this.image.src = src;
    this.image.alt = `${video.id}, frame ${frame.index}`;
    this.root.setAttribute('aria-label', this.image.alt);
    setText(this.caption, `${video.id} · frame ${frame.index} · ${formatTimestamp(frame.timestamp)} · ${video.video_path}`);
    this.root.hidden = false;
    this.root.ownerDocument.addEventListener('keydown', this.onKey);
    this.close.focus({ preventScroll: true });
    this.root.scrollIntoView({ block: 'nearest' });
  }

  hide(): void {
    const hadFocus = this.root.contains(this.root.ownerDocument.activeElement);
    this.root.ownerDocument.removeEventListener('keydown', this.onKey);
    this.home.before(this.root);
    this.root.hidden = true;
    this.image.removeAttribute('src');
    if (hadFocus && this.opener?.isConnected) this.opener.focus({ preventScroll: true });
    this.opener = undefined;
  }
}
