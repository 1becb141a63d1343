import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HARNESS_REQUEST_PREFIX, type HarnessAnswer, type HarnessRequest } from '../launcher/harnessRequests';

type RequestBody = HarnessRequest extends infer R ? (R extends HarnessRequest ? Omit<R, 'answerPath'> : never) : never;

let requests = 0;

/** Asks the browser driving this VS Code (see launcher/harnessRequests.ts) and waits for its answer. */
async function ask(body: RequestBody, timeoutMs = 30_000): Promise<string[]> {
  const answerPath = path.join(tmpdir(), `vbk-harness-${process.pid}-${++requests}.json`);
  console.log(HARNESS_REQUEST_PREFIX + JSON.stringify({ ...body, answerPath }));
  const started = Date.now();
  while (!existsSync(answerPath)) {
    if (Date.now() - started > timeoutMs) throw new Error(`the test harness did not answer ${body.type} in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const answer = JSON.parse(readFileSync(answerPath, 'utf8')) as HarnessAnswer;
  rmSync(answerPath, { force: true });
  if (!answer.ok) throw new Error(`the test harness failed ${body.type}: ${answer.error}`);
  return answer.texts;
}

/** A PNG of the page, or of the first element matching `selector` (a part of the workbench), cut to `height` pixels. */
export async function screenshot(file: string, selector?: string, height?: number): Promise<void> {
  await ask({ type: 'screenshot', path: file, ...(selector ? { selector } : {}), ...(height ? { height } : {}) });
}

/** Text of the elements matching `selector` in the page and in every webview frame. */
export function queryFrames(selector: string): Promise<string[]> {
  return ask({ type: 'queryFrames', selector });
}

/** Types on the page's keyboard, then presses `key`. */
export async function typeKeys(text: string, key = 'Enter'): Promise<void> {
  await ask({ type: 'keyboard', text, key });
}

/** Fills the first element matching `selector` in a webview frame with `value` and presses `key`; a select gets `value` picked. */
export async function fillInFrame(selector: string, value: string, key?: string): Promise<void> {
  await ask({ type: 'fillInFrame', selector, value, ...(key ? { key } : {}) });
}

/** Polls `probe` until it returns a value other than undefined. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
