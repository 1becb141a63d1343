/**
 * What tests inside the extension host may ask of the browser that drives VS Code, and how. The
 * extension host reaches the launcher only through its console (forwarded to `codeAutomationLog`),
 * so a request is one console line with a prefix; the launcher writes its answer as JSON to the
 * file the request names, which the test, on the same machine, waits for.
 */
export const HARNESS_REQUEST_PREFIX = '[vbk-harness] ';

export type HarnessRequest =
  /** A PNG of the whole page, as a person would see it, or of the first element matching `selector` (its top `height` pixels at most). */
  | { type: 'screenshot'; path: string; selector?: string; height?: number; answerPath: string }
  /** The text of every element matching `selector` in every frame (notebook outputs live in iframes). */
  | { type: 'queryFrames'; selector: string; answerPath: string }
  /** Types `text` on the keyboard, then presses `key` (e.g. "Enter"): a person answering a quick pick. */
  | { type: 'keyboard'; text: string; key: string; answerPath: string }
  /**
   * In the first frame holding an element matching `selector` (a notebook output's webview): picks
   * `value` when it is a select, else fills it with `value` and presses `key` there, as a person would.
   */
  | { type: 'fillInFrame'; selector: string; value: string; key?: string; answerPath: string };

export type HarnessAnswer = { ok: true; texts: string[] } | { ok: false; error: string };
