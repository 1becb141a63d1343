import * as assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { jpegDataUri } from '../../kernel/src/display/jpegDataUri';
import { keyframesOutput } from '../../kernel/src/display/keyframesOutput';
import { DEFAULT_KEYFRAMES_PAGE_SIZE, DEFAULT_KEYFRAMES_QUERY, type KeyframesPageReply, type KeyframesQuery } from '../../kernel/src/display/notebookOutputs';
import type { ProcessingRecord } from '../../kernel/src/index';
import { HOSTILE_BROKEN_NAME, HOSTILE_ID, runEngine, type EngineRun } from './engineOutputs';
import { openRendererPage, type HarnessGlobal, type RendererPage, type ThemeName } from './rendererPage';

const REPO = path.resolve(__dirname, '../../..');
const SCREENSHOTS = path.join(REPO, 'out', 'screenshots');
const PAGE = DEFAULT_KEYFRAMES_PAGE_SIZE;
const ALL: KeyframesQuery = { status: 'all', search: '' };
/** An error text that would run script if it were ever parsed as HTML. */
const HOSTILE_ERROR = '<img src=x onerror=alert(1)>';
const videoId = (index: number) => `video${String(index).padStart(4, '0')}`;

describe('keyframe grid in Chromium: filter, search, jump, keyboard', function () {
  let run: EngineRun;
  let browser: RendererPage;
  /** The run's rows and one failure whose error is markup. */
  let rows: ProcessingRecord[];

  const render = (slot: string, itemId: string, data: unknown) =>
    browser.page.evaluate(([s, i, d]) => (globalThis as unknown as HarnessGlobal).harness.render('keyframes', s, i, d), [slot, itemId, data] as const);
  const activate = (withMessaging: boolean) => browser.page.evaluate((m) => (globalThis as unknown as HarnessGlobal).harness.activate('keyframes', m), withMessaging);
  const setTheme = (theme: ThemeName) => browser.page.evaluate((t) => (globalThis as unknown as HarnessGlobal).harness.setTheme(t), theme);
  const posted = () => browser.page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.posted);
  const reply = (message: KeyframesPageReply) => browser.page.evaluate((m) => (globalThis as unknown as HarnessGlobal).harness.reply(m), message);
  const texts = (selector: string) => browser.page.locator(selector).allTextContents();
  const count = (selector: string) => browser.page.locator(selector).count();
  /** The class of the focused element ('' for the page itself): page functions as text, since tests compile without the DOM's types. */
  const focused = () => browser.page.evaluate<string>("document.activeElement?.className ?? ''");
  /** What the kernel would answer for a query: the same rows, filtered where they are. */
  const answer = (records: ProcessingRecord[], query: KeyframesQuery, offset: number): KeyframesPageReply => {
    const page = keyframesOutput(records, jpegDataUri, { offset, query });
    return { type: 'keyframesPage', outputId: 'live', offset: page.offset, videos: page.videos, totalVideos: page.totalVideos, query };
  };

  before(async function () {
    this.timeout(60_000);
    [run, browser] = await Promise.all([runEngine(), openRendererPage(path.join(REPO, 'dist', 'renderers'))]);
    rows = [...run.records, { id: 'evil', video_path: '/data/evil.mp4', status: 'failed', error: HOSTILE_ERROR, time: 0 }];
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await run?.cleanup();
  });

  beforeEach(async () => {
    await browser.page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.clear());
    await setTheme('light');
  });

  afterEach(() => assert.deepEqual(browser.dialogs, [], 'no markup from data may ever run'));

  it('filters a saved output by status and searches its ids and paths, failed rows showing their error and kind as text', async () => {
    await activate(false);
    await render('g', 'saved', keyframesOutput(rows, jpegDataUri, { query: ALL }));
    assert.equal(await browser.page.locator('.vbk-status').inputValue(), 'all');
    assert.deepEqual(await texts('.vbk-video-id'), ['clip0', 'clip1', 'clip2', HOSTILE_ID, 'broken', 'missing', 'evil']);
    assert.deepEqual(await texts('.vbk-video-status'), ['failed · unreadable or corrupt', 'failed · missing file', 'failed · other']);
    const errors = await texts('.vbk-video-error');
    assert.equal(errors[2], HOSTILE_ERROR, 'a hostile error string is shown as its text');
    assert.ok(errors[0].includes(HOSTILE_BROKEN_NAME), errors[0]);
    assert.equal(await browser.page.locator('.vbk-video-failed .vbk-video-error').last().innerHTML(), '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(await count('.vbk-rows img:not(.vbk-thumb-image)'), 0);

    await browser.page.locator('.vbk-status').selectOption('failed');
    assert.deepEqual(await texts('.vbk-video-id'), ['broken', 'missing', 'evil']);
    assert.equal(await count('.vbk-thumb'), 0);
    await browser.page.locator('.vbk-status').selectOption('processed');
    assert.deepEqual(await texts('.vbk-video-id'), ['clip0', 'clip1', 'clip2', HOSTILE_ID]);
    await browser.page.locator('.vbk-search').fill('CLIP');
    assert.equal(await count('.vbk-video'), 4, 'a search waits for Enter: in the kernel each is a scan of the run');
    await browser.page.locator('.vbk-search').press('Enter');
    assert.deepEqual(await texts('.vbk-video-id'), ['clip0', 'clip1', 'clip2'], 'case-insensitive, on the id');
    await browser.page.locator('.vbk-status').selectOption('all');
    await browser.page.locator('.vbk-search').fill('.mp4');
    await browser.page.locator('.vbk-search').press('Enter');
    assert.deepEqual(await texts('.vbk-video-id'), ['clip0', 'clip1', 'clip2', HOSTILE_ID, 'broken', 'missing', 'evil'], 'on the path');
    await browser.page.locator('.vbk-search').fill('nothing like it');
    await browser.page.locator('.vbk-search').press('Enter');
    assert.equal(await count('.vbk-video'), 0);
    assert.equal(await browser.page.locator('.vbk-page-position').textContent(), 'No rows match');
  });

  it('asks the kernel for the rows of a filter or search, and shows only the answer to the query on screen', async () => {
    await activate(true);
    await render('g', 'live', keyframesOutput(rows, jpegDataUri));
    assert.equal(await count('.vbk-video'), 4);
    await browser.page.locator('.vbk-status').selectOption('failed');
    const failed: KeyframesQuery = { status: 'failed', search: '' };
    assert.deepEqual(await posted(), [{ type: 'keyframesPageRequest', outputId: 'live', offset: 0, limit: PAGE, query: failed }]);
    assert.equal(await browser.page.locator('.vbk-notice').textContent(), 'Searching…');
    await reply(answer(rows, DEFAULT_KEYFRAMES_QUERY, 0));
    assert.equal(await count('.vbk-video'), 0, 'a late answer to the earlier query is not shown');
    await reply(answer(rows, failed, 0));
    assert.deepEqual(await texts('.vbk-video-id'), ['broken', 'missing', 'evil']);
    assert.equal(await browser.page.locator('.vbk-notice').isHidden(), true);
    await browser.page.locator('.vbk-search').fill('Evil');
    await browser.page.locator('.vbk-search').press('Enter');
    const searched: KeyframesQuery = { status: 'failed', search: 'Evil' };
    assert.deepEqual((await posted()).at(-1), { type: 'keyframesPageRequest', outputId: 'live', offset: 0, limit: PAGE, query: searched });
    await reply(answer(rows, searched, 0));
    assert.deepEqual(await texts('.vbk-video-id'), ['evil']);
    assert.equal(await browser.page.locator('.vbk-video-error').textContent(), HOSTILE_ERROR);
  });

  it('jumps to a page typed in, in a saved output and through the kernel', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ ...run.records[i % 3], id: videoId(i) }));
    await activate(false);
    await render('g', 'saved', keyframesOutput(many, jpegDataUri, { limit: 500 }));
    assert.equal(await browser.page.locator('.vbk-page-count').textContent(), ' of 42');
    await browser.page.locator('.vbk-page-input').fill('7');
    await browser.page.locator('.vbk-page-input').press('Enter');
    assert.equal(await browser.page.locator('.vbk-page-position').textContent(), `Videos ${6 * PAGE + 1}–${7 * PAGE} of 500`);
    assert.equal(await browser.page.locator('.vbk-video-id').first().textContent(), videoId(6 * PAGE));
    assert.equal(await count('.vbk-video'), PAGE);
    await browser.page.locator('.vbk-page-input').fill('999');
    await browser.page.locator('.vbk-page-input').press('Enter');
    assert.equal(await browser.page.locator('.vbk-page-input').inputValue(), '42', 'past the end: the last page');
    assert.equal(await browser.page.locator('.vbk-video-id').first().textContent(), videoId(41 * PAGE));

    await activate(true);
    await render('g', 'live', keyframesOutput(many, jpegDataUri));
    await browser.page.locator('#slot-g .vbk-page-input').fill('30');
    await browser.page.locator('#slot-g .vbk-page-input').press('Enter');
    assert.deepEqual((await posted()).at(-1), { type: 'keyframesPageRequest', outputId: 'live', offset: 29 * PAGE, limit: PAGE, query: DEFAULT_KEYFRAMES_QUERY });
    await reply(answer(many, DEFAULT_KEYFRAMES_QUERY, 29 * PAGE));
    assert.equal(await browser.page.locator('.vbk-video-id').first().textContent(), videoId(29 * PAGE));
  });

  it('is reachable by keyboard: tab order, Enter enlarges a thumbnail, Escape closes it from inside and from elsewhere', async () => {
    await activate(false);
    await render('g', 'saved', keyframesOutput(rows, jpegDataUri, { query: ALL }));
    await browser.page.locator('.vbk-status').focus();
    const order = [await focused()];
    for (let i = 0; i < 3; i++) {
      await browser.page.keyboard.press('Tab');
      order.push(await focused());
    }
    assert.deepEqual(order, ['vbk-status', 'vbk-search', 'vbk-thumb', 'vbk-thumb'], 'one page: no pager to tab through');
    await browser.page.keyboard.press('Enter');
    assert.equal(await browser.page.locator('.vbk-enlarged').isVisible(), true);
    assert.match((await browser.page.locator('.vbk-enlarged-caption').textContent())!, /^clip0 · frame 9 · /);
    assert.equal(await focused(), 'vbk-enlarged-close', 'focus moves into the enlarged frame');
    await browser.page.keyboard.press('Escape');
    assert.equal(await browser.page.locator('.vbk-enlarged').isHidden(), true);
    assert.equal(await browser.page.evaluate('document.activeElement?.title'), `clip0, frame 9 at 0.36 s`, 'focus returns to the thumbnail');

    await browser.page.keyboard.press('Enter');
    assert.equal(await browser.page.locator('.vbk-enlarged').isVisible(), true);
    await browser.page.locator('.vbk-search').focus();
    await browser.page.keyboard.press('Escape');
    assert.equal(await browser.page.locator('.vbk-enlarged').isHidden(), true, 'Escape with focus elsewhere closes it too');
    assert.equal(await focused(), 'vbk-search', 'and leaves focus where it was');
    await browser.page.locator('.vbk-thumb').first().click();
    await browser.page.evaluate('document.activeElement?.blur()');
    await browser.page.keyboard.press('Escape');
    assert.equal(await browser.page.locator('.vbk-enlarged').isHidden(), true, 'and with focus nowhere');
  });

  it('looks right in light and dark themes', async () => {
    await activate(false);
    await render('g', 'saved', keyframesOutput(rows, jpegDataUri, { query: ALL, pageSize: 3, limit: rows.length }));
    await browser.page.locator('.vbk-page-input').fill('2');
    await browser.page.locator('.vbk-page-input').press('Enter');
    assert.deepEqual(await texts('.vbk-video-id'), [HOSTILE_ID, 'broken', 'missing']);
    await browser.page.waitForFunction(() => (globalThis as unknown as HarnessGlobal).harness.loadedImages('.vbk-thumb-image') === 4);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await browser.page.locator('#slot-g').screenshot({ path: path.join(SCREENSHOTS, `keyframes-grid-${theme}.png`) });
    }
  });
});
