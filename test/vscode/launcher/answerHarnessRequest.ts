import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { HarnessAnswer, HarnessRequest } from './harnessRequests';

async function textsInFrames(page: Page, selector: string): Promise<string[]> {
  const texts: string[] = [];
  for (const frame of page.frames()) {
    // A frame may navigate away while it is asked; it then simply has no matches.
    const found = await frame.$$eval(selector, (elements) => elements.map((element) => element.textContent ?? '')).catch(() => []);
    texts.push(...found);
  }
  return texts;
}

/** Fills (or, for a select, picks a value in) the first element matching `selector` in any frame. */
async function fillInFrame(page: Page, selector: string, value: string, key: string | undefined): Promise<void> {
  for (const frame of page.frames()) {
    const target = await frame.$(selector).catch(() => null);
    if (!target) continue;
    if ((await target.evaluate((element) => element.tagName)) === 'SELECT') await target.selectOption(value);
    else {
      await target.fill(value);
      if (key) await target.press(key);
    }
    return;
  }
  throw new Error(`no frame shows ${selector}`);
}

/** Does what the request asks and writes the answer atomically, so the waiting test never reads half of it. */
export async function answerHarnessRequest(page: Page, request: HarnessRequest): Promise<void> {
  let answer: HarnessAnswer;
  try {
    if (request.type === 'screenshot') {
      mkdirSync(path.dirname(request.path), { recursive: true });
      const box = request.selector ? await page.locator(request.selector).first().boundingBox() : null;
      const clip = box ? { ...box, height: Math.min(box.height, request.height ?? box.height) } : undefined;
      if (request.selector && !clip) throw new Error(`nothing matching ${request.selector} is shown`);
      await page.screenshot({ path: request.path, ...(clip ? { clip } : {}) });
      answer = { ok: true, texts: [] };
    } else if (request.type === 'keyboard') {
      await page.keyboard.type(request.text);
      await page.keyboard.press(request.key);
      answer = { ok: true, texts: [] };
    } else if (request.type === 'fillInFrame') {
      await fillInFrame(page, request.selector, request.value, request.key);
      answer = { ok: true, texts: [] };
    } else {
      answer = { ok: true, texts: await textsInFrames(page, request.selector) };
    }
  } catch (error) {
    answer = { ok: false, error: (error as Error).message };
  }
  writeFileSync(`${request.answerPath}.partial`, JSON.stringify(answer));
  renameSync(`${request.answerPath}.partial`, request.answerPath);
}
