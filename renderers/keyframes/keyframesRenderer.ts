import type { KeyframesOutput, KeyframesPageReply, KeyframesPageRequest, KeyframesQuery } from '../../kernel/src/display/notebookOutputs';
import { KEYFRAMES_MIME } from '../../kernel/src/display/notebookOutputs';
import { ensureStyle } from '../shared/dom';
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { KEYFRAMES_CSS } from './keyframesStyle';
import { KeyframesView } from './keyframesView';

function isKeyframesOutput(data: unknown): data is KeyframesOutput {
  const output = data as Partial<KeyframesOutput> | null;
  return typeof output === 'object' && output !== null && Array.isArray(output.videos) && typeof output.totalVideos === 'number' && typeof output.offset === 'number' && typeof output.pageSize === 'number';
}

function isPageReply(message: unknown): message is KeyframesPageReply {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'keyframesPage';
}

export const activate: ActivationFunction = (context) => {
  ensureStyle('vbk-keyframes-style', KEYFRAMES_CSS);
  const views = new Map<string, KeyframesView>();
  context.onDidReceiveMessage?.((message) => {
    if (isPageReply(message)) views.get(message.outputId)?.receive(message);
  });
  const post = context.postMessage?.bind(context);
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): void {
      const data = item.json();
      if (!isKeyframesOutput(data)) {
        element.textContent = `Not a ${KEYFRAMES_MIME} output.`;
        return;
      }
      const requestPage = post && ((offset: number, limit: number, query: KeyframesQuery) => post({ type: 'keyframesPageRequest', outputId: item.id, offset, limit, query } satisfies KeyframesPageRequest));
      views.get(item.id)?.dispose();
      const view = new KeyframesView(requestPage);
      element.replaceChildren(view.root);
      views.set(item.id, view);
      view.show(data);
    },
    disposeOutputItem(id?: string): void {
      for (const [viewId, view] of views) {
        if (id !== undefined && viewId !== id) continue;
        view.dispose();
        views.delete(viewId);
      }
    },
  };
};
