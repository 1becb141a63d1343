import type { OutputError } from '../../kernel/src/display/notebookOutputs';
import { FAILURE_KIND_LABELS, FAILURE_KINDS, failureKind, type FailureKind, type FailureKindCounts } from '../../kernel/src/stats/failureKinds';
import { element, setText, syncChildren } from '../shared/dom';

/** One kind's fold: "missing file (3)", opening to the failures of that kind. */
interface KindGroup {
  root: HTMLDetailsElement;
  summary: HTMLElement;
  list: HTMLOListElement;
}

/**
 * A run's failures grouped by kind, in FAILURE_KINDS order, each group folded to its count so a
 * thousand failures of two kinds read as two lines. The groups are built once and updated in place,
 * so a group the user opened stays open while the run goes on.
 */
export class ErrorKindsView {
  readonly root = element('div', 'vbk-error-kinds');
  private readonly groups = new Map<FailureKind, KindGroup>();

  constructor() {
    for (const kind of FAILURE_KINDS) {
      const group = { root: element('details', 'vbk-error-kind'), summary: element('summary', 'vbk-error-kind-summary'), list: element('ol', 'vbk-error-list') };
      group.root.dataset.kind = kind;
      group.root.append(group.summary, group.list);
      group.root.hidden = true;
      this.groups.set(kind, group);
      this.root.append(group.root);
    }
  }

  /** `counts`: every failure by kind, the unlisted included; an older output without them is counted from its list. */
  update(errors: readonly OutputError[], counts?: FailureKindCounts): void {
    const listed = new Map<FailureKind, OutputError[]>(FAILURE_KINDS.map((kind) => [kind, []]));
    for (const error of errors) listed.get(error.kind ?? failureKind(error.error))!.push(error);
    for (const kind of FAILURE_KINDS) {
      const group = this.groups.get(kind)!;
      const ofKind = listed.get(kind)!;
      const count = Math.max(counts?.[kind] ?? 0, ofKind.length);
      group.root.hidden = count === 0;
      setText(group.summary, `${FAILURE_KIND_LABELS[kind]} (${count})`);
      syncChildren(group.list, ofKind.length, errorItem);
      ofKind.forEach((error, i) => {
        const [id, path, text] = Array.from(group.list.children[i].children) as HTMLElement[];
        setText(id, error.id);
        setText(path, error.video_path);
        setText(text, error.error);
      });
    }
  }
}

function errorItem(): HTMLLIElement {
  const item = element('li', 'vbk-error');
  item.append(element('span', 'vbk-error-id'), element('span', 'vbk-error-path'), element('div', 'vbk-error-text'));
  return item;
}
