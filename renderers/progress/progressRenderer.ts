import { PROGRESS_MIME, type ProgressOutput } from '../../kernel/src/display/notebookOutputs';
import { ensureStyle } from '../shared/dom';
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { PROGRESS_CSS } from './progressStyle';
import { ProgressView } from './progressView';

// Keyed by the output element: VS Code renders a replaced output item into the same element, and
// reusing the view there is what makes updates happen in place.
const views = new WeakMap<HTMLElement, ProgressView>();

function isProgressOutput(data: unknown): data is ProgressOutput {
  const output = data as Partial<ProgressOutput> | null;
  return typeof output === 'object' && output !== null && typeof output.state === 'string' && typeof output.total === 'number' && Array.isArray(output.errors) && Array.isArray(output.workers) && typeof output.device === 'object' && (output.machines === undefined || Array.isArray(output.machines));
}

export const activate: ActivationFunction = () => {
  ensureStyle('vbk-progress-style', PROGRESS_CSS);
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): void {
      const data = item.json();
      if (!isProgressOutput(data)) {
        views.delete(element);
        element.textContent = `Not a ${PROGRESS_MIME} output.`;
        return;
      }
      let view = views.get(element);
      if (!view || view.root.parentElement !== element) {
        view = new ProgressView();
        element.replaceChildren(view.root);
        views.set(element, view);
      }
      view.update(data);
    },
  };
};
