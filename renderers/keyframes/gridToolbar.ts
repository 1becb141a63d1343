import { GRID_STATUSES, type GridStatus, type KeyframesQuery } from '../../kernel/src/display/notebookOutputs';
import { element, setText } from '../shared/dom';

const STATUS_LABELS: Record<GridStatus, string> = { all: 'All rows', processed: 'Processed', failed: 'Failed' };

/**
 * The controls above a keyframe grid, in tab order: which rows (a status), a search over ids and
 * paths, then the pager with a page number to jump to. A search runs on Enter (or on leaving the
 * field), not on every key: in the kernel each one is a scan of the run's records.
 */
export class GridToolbar {
  readonly root = element('div', 'vbk-toolbar');
  readonly previous = element('button', 'vbk-page-previous', 'Previous');
  readonly next = element('button', 'vbk-page-next', 'Next');
  private readonly status = element('select', 'vbk-status');
  private readonly search = element('input', 'vbk-search');
  private readonly pager = element('div', 'vbk-pager');
  private readonly pageInput = element('input', 'vbk-page-input');
  private readonly pageCount = element('span', 'vbk-page-count');
  readonly position = element('span', 'vbk-page-position');

  constructor(onQuery: (query: KeyframesQuery) => void, onPage: (page: number) => void) {
    this.status.setAttribute('aria-label', 'Rows to show');
    this.status.append(...GRID_STATUSES.map((status) => Object.assign(element('option', undefined, STATUS_LABELS[status]), { value: status })));
    this.search.type = 'search';
    this.search.placeholder = 'Search id or path, Enter';
    this.search.setAttribute('aria-label', 'Search by id or path');
    const changed = () => onQuery(this.query);
    this.status.addEventListener('change', changed);
    // 'search' also fires when the field's clear button empties it; a query already shown is not asked again.
    for (const event of ['change', 'search']) this.search.addEventListener(event, changed);
    this.previous.type = this.next.type = 'button';
    this.pageInput.type = 'number';
    this.pageInput.min = '1';
    this.pageInput.setAttribute('aria-label', 'Page');
    this.pageInput.addEventListener('change', () => {
      const page = Number.parseInt(this.pageInput.value, 10);
      if (Number.isFinite(page)) onPage(page - 1);
    });
    const jump = element('label', 'vbk-page-jump', 'Page ');
    jump.append(this.pageInput, this.pageCount);
    this.pager.append(this.previous, jump, this.next, this.position);
    const filters = element('div', 'vbk-filters');
    filters.append(this.status, this.search);
    this.root.append(filters, this.pager);
  }

  get query(): KeyframesQuery {
    return { status: this.status.value as GridStatus, search: this.search.value };
  }

  setQuery(query: KeyframesQuery): void {
    this.status.value = query.status;
    this.search.value = query.search;
  }

  /** Shows page `page` (0-based) of `pages`. */
  setPage(page: number, pages: number): void {
    this.pageInput.value = String(page + 1);
    this.pageInput.max = String(pages);
    setText(this.pageCount, ` of ${pages}`);
    this.previous.disabled = page === 0;
    this.next.disabled = page >= pages - 1;
    this.pager.classList.toggle('vbk-single-page', pages === 1);
  }
}
