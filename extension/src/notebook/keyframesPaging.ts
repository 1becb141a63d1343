import * as vscode from 'vscode';
import type { KeyframesPageReply, KeyframesPageRequest } from '../../../kernel/src/display/notebookOutputs';
import type { NotebookSessions } from './notebookSessions';

const KEYFRAMES_RENDERER_ID = 'video-batch-kernel.keyframes';

function isPageRequest(message: unknown): message is KeyframesPageRequest {
  const request = message as Partial<KeyframesPageRequest> | null;
  return typeof request === 'object' && request !== null && request.type === 'keyframesPageRequest' && typeof request.outputId === 'string'
    && typeof request.offset === 'number' && typeof request.limit === 'number';
}

/**
 * The keyframe grid shows a page of videos at a time; the next pages come from the kernel that
 * holds the run's records, asked through renderer messaging. A grid whose kernel is gone (a saved
 * notebook reopened) gets no reply and keeps the page it saved.
 */
export function registerKeyframesPaging(notebooks: NotebookSessions, log: vscode.LogOutputChannel): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(KEYFRAMES_RENDERER_ID);
  return messaging.onDidReceiveMessage(async ({ editor, message }) => {
    if (!isPageRequest(message)) return;
    try {
      const page = await notebooks.sessionOf(editor.notebook)?.keyframesPage(message.outputId, message.offset, message.limit);
      if (!page) return;
      await messaging.postMessage({ type: 'keyframesPage', outputId: message.outputId, ...page } satisfies KeyframesPageReply, editor);
    } catch (error) {
      log.error(`keyframe grid page ${message.offset}: ${(error as Error).message}`);
    }
  });
}
