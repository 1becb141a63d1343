import * as vscode from 'vscode';
import { GRID_STATUSES, type GridStatus, type KeyframesPageReply, type KeyframesPageRequest, type KeyframesQuery } from '../../../kernel/src/display/notebookOutputs';
import type { NotebookSessions } from './notebookSessions';

const KEYFRAMES_RENDERER_ID = 'video-batch-kernel.keyframes';

function isQuery(query: unknown): query is KeyframesQuery {
  const asked = query as Partial<KeyframesQuery> | null;
  return typeof asked === 'object' && asked !== null && GRID_STATUSES.includes(asked.status as GridStatus) && typeof asked.search === 'string';
}

function isPageRequest(message: unknown): message is KeyframesPageRequest {
  const request = message as Partial<KeyframesPageRequest> | null;
  return typeof request === 'object' && request !== null && request.type === 'keyframesPageRequest' && typeof request.outputId === 'string'
    && typeof request.offset === 'number' && typeof request.limit === 'number' && (request.query === undefined || isQuery(request.query));
}

/**
 * The keyframe grid shows a page of videos at a time; the next pages, and the pages of a status
 * filter or search, come from the kernel that holds the run's records (the filter runs there, over
 * the records where they lie), asked through renderer messaging. A grid whose kernel is gone (a saved
 * notebook reopened) gets no reply and keeps the page it saved.
 */
export function registerKeyframesPaging(notebooks: NotebookSessions, log: vscode.LogOutputChannel): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(KEYFRAMES_RENDERER_ID);
  return messaging.onDidReceiveMessage(async ({ editor, message }) => {
    if (!isPageRequest(message)) return;
    try {
      const page = await notebooks.sessionOf(editor.notebook)?.keyframesPage(message.outputId, message.offset, message.limit, message.query);
      if (!page) return;
      await messaging.postMessage({ type: 'keyframesPage', outputId: message.outputId, ...page } satisfies KeyframesPageReply, editor);
    } catch (error) {
      log.error(`keyframe grid page ${message.offset}: ${(error as Error).message}`);
    }
  });
}
