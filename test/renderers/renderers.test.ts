import * as assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { jpegDataUri } from '../../kernel/src/display/jpegDataUri';
import { keyframesOutput } from '../../kernel/src/display/keyframesOutput';
import { DEFAULT_KEYFRAMES_PAGE_SIZE, DEFAULT_KEYFRAMES_QUERY, type KeyframesOutput, type KeyframesPageReply, type OutputError, type ProgressOutput, type RunState } from '../../kernel/src/display/notebookOutputs';
import { progressOutput } from '../../kernel/src/display/progressOutput';
import type { ProcessingRecord, ProgressSnapshot } from '../../kernel/src/index';
import type { MachineProgress } from '../../kernel/src/processor/progressEvents';
import { FAILURE_KINDS, failureKind, noFailures } from '../../kernel/src/stats/failureKinds';
import { HOSTILE_BROKEN_NAME, HOSTILE_HOST, HOSTILE_ID, HOSTILE_VIDEO_NAME, runEngine, type EngineRun } from './engineOutputs';
import { openRendererPage, type HarnessGlobal, type RendererKind, type RendererPage, type ThemeName } from './rendererPage';

const REPO = path.resolve(__dirname, '../../..');
const SCREENSHOTS = path.join(REPO, 'out', 'screenshots');
const PAGE = DEFAULT_KEYFRAMES_PAGE_SIZE;
/** The ids manyRecords gives. */
const videoId = (index: number) => `video${String(index).padStart(4, '0')}`;
/** A queue job's snapshot as processDataset({ cluster }) emits it: the machines' rates summed, no local workers. */
function clusterSnapshot(counts: ProgressSnapshot, machines: MachineProgress[]): ProgressSnapshot {
  const sum = (rate: (machine: MachineProgress) => number) => machines.reduce((total, machine) => total + rate(machine), 0);
  const framesPerSecond = { cpu: sum((machine) => machine.framesPerSecond.cpu), gpu: sum((machine) => machine.framesPerSecond.gpu) };
  return { ...counts, workers: [], machines, videosPerSecond: sum((machine) => machine.videosPerSecond), framesPerSecond };
}
/** Failures in the order the progress display groups them: by kind, in FAILURE_KINDS order, then as they came. */
function byKind<T extends { error: string }>(errors: readonly T[]): T[] {
  return FAILURE_KINDS.flatMap((kind) => errors.filter((error) => failureKind(error.error) === kind));
}
/** Three machines on a queue job, out of host order as heartbeats arrive, one named with markup. */
const MACHINES: MachineProgress[] = [
  { host: 'worker-b', pid: 7, workers: 8, done: 1234, videosPerSecond: 12.345, framesPerSecond: { cpu: 0, gpu: 410 }, active: 8 },
  { host: HOSTILE_HOST, pid: 3, workers: 4, done: 56, videosPerSecond: 2.4, framesPerSecond: { cpu: 80, gpu: 0 }, active: 0 },
  { host: 'worker-a', pid: 9, workers: 2, done: 789, videosPerSecond: 0.5, framesPerSecond: { cpu: 20, gpu: 0 }, active: 1 },
];

describe('notebook renderers in Chromium', function () {
  let run: EngineRun;
  let browser: RendererPage;

  /** The engine's events turned into the progress output the kernel shows, in a given state. */
  function progressAt(snapshotIndex: number, state: RunState, machines?: MachineProgress[]): ProgressOutput {
    const snapshot = machines ? clusterSnapshot(run.snapshots.at(snapshotIndex)!, machines) : run.snapshots.at(snapshotIndex)!;
    const fallback = run.runDevices[0]?.reason;
    const failedSoFar = run.errors.slice(0, snapshot.failed);
    return progressOutput(snapshot, {
      state,
      device: { device: run.devices[0] ?? 'cpu', ...(fallback ? { fallbackReason: fallback } : {}) },
      errors: failedSoFar,
      videoPaths: run.videoPaths,
    });
  }

  /** A snapshot taken while videos were still being decoded. */
  function midRunIndex(): number {
    const index = run.snapshots.findIndex((snapshot) => snapshot.done > 0 && snapshot.done < snapshot.total && snapshot.failed > 0);
    return index >= 0 ? index : run.snapshots.findIndex((snapshot) => snapshot.done < snapshot.total);
  }

  async function render(kind: RendererKind, slot: string, itemId: string, data: unknown): Promise<void> {
    await browser.page.evaluate(([k, s, i, d]) => (globalThis as unknown as HarnessGlobal).harness.render(k, s, i, d), [kind, slot, itemId, data] as const);
  }
  async function activate(kind: RendererKind, withMessaging: boolean): Promise<void> {
    await browser.page.evaluate(([k, m]) => (globalThis as unknown as HarnessGlobal).harness.activate(k, m), [kind, withMessaging] as const);
  }
  async function setTheme(theme: ThemeName): Promise<void> {
    await browser.page.evaluate((t) => (globalThis as unknown as HarnessGlobal).harness.setTheme(t), theme);
  }
  async function computed(selector: string, property: string): Promise<string> {
    return browser.page.evaluate(([s, p]) => (globalThis as unknown as HarnessGlobal).harness.computed(s, p), [selector, property] as const);
  }
  const texts = (selector: string) => browser.page.locator(selector).allTextContents();
  const count = (selector: string) => browser.page.locator(selector).count();

  /** Many videos, as a large run would give: the real records under new ids. */
  function manyRecords(n: number): ProcessingRecord[] {
    const processed = run.records.filter((record) => record.status === 'processed');
    return Array.from({ length: n }, (_, i) => ({ ...processed[i % processed.length], id: videoId(i) }));
  }

  before(async function () {
    this.timeout(60_000);
    [run, browser] = await Promise.all([runEngine(), openRendererPage(path.join(REPO, 'dist', 'renderers'))]);
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

  afterEach(() => {
    assert.deepEqual(browser.dialogs, [], 'no markup from data may ever run');
  });

  describe('progress', () => {
    it('shows the counts, rate, ETA, workers and device of a running run', async () => {
      await activate('progress', false);
      const output = progressAt(midRunIndex(), 'running');
      await render('progress', 'p', 'item1', output);
      assert.equal(await browser.page.locator('.vbk-state').textContent(), 'Running');
      assert.equal(await browser.page.locator('.vbk-done').textContent(), `${output.processed + output.failed + output.skipped} / ${output.total} videos`);
      assert.deepEqual(await texts('.vbk-count'), [`${output.processed} processed`, `${output.failed} failed`, `${output.skipped} skipped`]);
      assert.match((await browser.page.locator('.vbk-rate').textContent())!, /^\d+(\.\d)? videos\/s$/);
      assert.match((await browser.page.locator('.vbk-eta').textContent())!, /^ETA (\d+:\d\d|—)$/);
      assert.equal(await count('.vbk-worker'), output.workers.length);
      assert.match((await browser.page.locator('.vbk-device').textContent())!, /^Decoding on CPU \(fell back: .+\) · CPU \d+(\.\d)? frames\/s$/);

      await browser.page.locator('#slot-p').screenshot({ path: path.join(SCREENSHOTS, 'progress-running-light.png') });

      await render('progress', 'p', 'item1', { ...output, etaSeconds: 75, elapsedSeconds: 3725 });
      assert.equal(await browser.page.locator('.vbk-eta').textContent(), 'ETA 1:15');
      assert.equal(await browser.page.locator('.vbk-elapsed').textContent(), 'Elapsed 1:02:05');
      await render('progress', 'p', 'item1', { ...output, workers: [{ workerId: 1, videoId: 'clip1', videoPath: '/data/clip1.mp4' }, { workerId: 2 }] });
      assert.deepEqual(await texts('.vbk-worker'), ['Worker 1: clip1 (/data/clip1.mp4)', 'Worker 2: idle']);
    });

    it('shows the whole dataset beside the run, and the read of the CSV before the first video', async () => {
      await activate('progress', false);
      const output = progressAt(midRunIndex(), 'running');
      const dataset = { total_videos: 1000, processed: 950, failed: 30, skipped: 0, pending: 20, success_rate: 0.95 };
      await render('progress', 'p', 'item1', { ...output, dataset });
      assert.equal(await browser.page.locator('.vbk-dataset').textContent(), 'dataset: 950 processed, 30 failed, 20 pending of 1000');
      await render('progress', 'p', 'item1', { ...output, dataset, reading: { bytesRead: 3 * 2 ** 20, totalBytes: 12 * 2 ** 20 } });
      assert.equal(await browser.page.locator('.vbk-done').textContent(), 'Reading the CSV: 25% (3.0 of 12.0 MB)');
      const { dataset: _saved, ...olderOutput } = output;
      await render('progress', 'p', 'item1', olderOutput);
      assert.equal(await browser.page.locator('.vbk-dataset').isHidden(), true, 'an output saved before datasets were shown has no dataset line');
    });

    it('updates in place: a second output item reuses the same nodes', async () => {
      await activate('progress', false);
      const running = progressAt(midRunIndex(), 'running');
      await render('progress', 'p', 'item1', running);
      const tagged = await browser.page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.tag('#slot-p *'));
      assert.ok(tagged > 10);
      await render('progress', 'p', 'item1', progressAt(-1, 'done'));
      const kept = ['.vbk-progress', '.vbk-state', '.vbk-done', '.vbk-bar', '.vbk-segment-processed', '.vbk-rate', '.vbk-eta', '.vbk-device', '.vbk-errors'];
      for (const selector of kept) {
        assert.deepEqual(await browser.page.evaluate((s) => (globalThis as unknown as HarnessGlobal).harness.tagged(s), selector), [true], selector);
      }
      const errorsKept = await browser.page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.tagged('.vbk-error'));
      const shownBefore = new Set(running.errors.map((error) => error.id));
      assert.deepEqual(errorsKept, byKind(run.errors).map((error) => shownBefore.has(error.id)), 'error entries already shown stay, new ones are added');
      assert.equal(await browser.page.locator('.vbk-state').textContent(), 'Done');
    });

    it('keeps a clear final state, lists errors as text, and survives a hostile file name', async () => {
      await activate('progress', false);
      for (const state of ['done', 'interrupted', 'failed'] as const) {
        await render('progress', state, state, { ...progressAt(-1, state), ...(state === 'failed' ? { message: 'checkpoint is locked by process 42' } : {}) });
        assert.equal(await browser.page.locator(`#slot-${state} .vbk-progress`).getAttribute('data-state'), state);
        assert.equal(await browser.page.locator(`#slot-${state} .vbk-eta`).textContent(), '');
        assert.equal(await browser.page.locator(`#slot-${state} .vbk-workers`).isHidden(), true);
      }
      assert.deepEqual(await texts('#slot-done .vbk-state, #slot-interrupted .vbk-state, #slot-failed .vbk-state'), ['Done', 'Interrupted', 'Failed']);
      assert.equal(await browser.page.locator('#slot-failed .vbk-message').textContent(), 'checkpoint is locked by process 42');
      const done = progressAt(-1, 'done');
      assert.deepEqual(await texts('#slot-done .vbk-count'), [`${done.processed} processed`, `2 failed`, `0 skipped`]);
      assert.equal(await browser.page.locator('#slot-done .vbk-errors-summary').textContent(), '2 errors');
      assert.deepEqual(await texts('#slot-done .vbk-error-kind:not([hidden]) > summary'), ['missing file (1)', 'unreadable or corrupt (1)']);
      assert.deepEqual(await texts('#slot-done .vbk-error-id'), byKind(run.errors).map((error) => error.id));
      assert.deepEqual(await texts('#slot-done .vbk-error-text'), byKind(run.errors).map((error) => error.error));
      const paths = await texts('#slot-done .vbk-error-path');
      assert.ok(paths.some((text) => text.endsWith(`/${HOSTILE_BROKEN_NAME}`)), paths.join('\n'));
      assert.equal(await count('.vbk-progress img'), 0);
      await browser.page.locator('#slot-done .vbk-errors-summary').click();
      assert.equal(await browser.page.locator('#slot-done .vbk-errors').getAttribute('open'), '');
      assert.equal(await browser.page.locator('#slot-done .vbk-error').first().isVisible(), false, 'each kind folded to its count');
      await browser.page.locator('#slot-done .vbk-error-kind[data-kind="unreadable"] > summary').click();
      assert.equal(await browser.page.locator('#slot-done .vbk-error-kind[data-kind="unreadable"] .vbk-error').isVisible(), true);
      await browser.page.locator('#slot-done').screenshot({ path: path.join(SCREENSHOTS, 'progress-light.png') });
      await setTheme('dark');
      await browser.page.locator('#slot-done').screenshot({ path: path.join(SCREENSHOTS, 'progress-dark.png') });
      await setTheme('high-contrast');
      await browser.page.locator('#slot-done').screenshot({ path: path.join(SCREENSHOTS, 'progress-high-contrast.png') });
    });

    it('counts every failure by kind, the unlisted too, and keeps an opened kind open as updates come', async () => {
      await activate('progress', false);
      const done = progressAt(-1, 'running');
      const hostile: OutputError = { id: 'h', video_path: '/v/h.mp4', error: '<img src=x onerror=alert(1)>', kind: 'other' };
      const output = { ...done, errors: [...done.errors, hostile], errorsNotListed: 500, errorsByKind: { ...noFailures(), missing_file: 301, unreadable: 201, other: 1 } };
      await render('progress', 'k', 'kinds', output);
      assert.equal(await browser.page.locator('.vbk-errors-summary').textContent(), `503 errors (first 3 listed)`);
      assert.deepEqual(await texts('.vbk-error-kind:not([hidden]) > summary'), ['missing file (301)', 'unreadable or corrupt (201)', 'other (1)']);
      await browser.page.locator('.vbk-errors-summary').click();
      await browser.page.locator('.vbk-error-kind[data-kind="other"] > summary').click();
      assert.equal(await browser.page.locator('.vbk-error-kind[data-kind="other"] .vbk-error-text').textContent(), hostile.error);
      assert.equal(await count('.vbk-progress img'), 0, 'an error text never becomes markup');
      await render('progress', 'k', 'kinds', { ...output, errorsByKind: { ...output.errorsByKind, other: 2 } });
      assert.equal(await browser.page.locator('.vbk-error-kind[data-kind="other"]').getAttribute('open'), '', 'opened stays open');
      assert.equal(await browser.page.locator('.vbk-error-kind[data-kind="other"] > summary').textContent(), 'other (2)');
      const { errorsByKind: _counts, ...older } = output;
      await render('progress', 'k', 'kinds', { ...older, errors: older.errors.map(({ kind: _kind, ...error }) => error) });
      assert.deepEqual(await texts('.vbk-error-kind:not([hidden]) > summary'), ['missing file (1)', 'unreadable or corrupt (1)', 'other (1)'], 'an older output is grouped from its list');
    });
  });

  describe('progress of a queue job', () => {
    /** The text of each cell, row by row. */
    async function cells(rowSelector: string): Promise<string[][]> {
      const rows = browser.page.locator(rowSelector);
      return Promise.all(Array.from({ length: await rows.count() }, (_, i) => rows.nth(i).locator('th, td').allTextContents()));
    }

    it('lists every machine with its rate, videos done and decoding, host names as text', async () => {
      await activate('progress', false);
      await render('progress', 'm', 'job', progressAt(midRunIndex(), 'running', MACHINES));
      assert.equal(await browser.page.locator('.vbk-machines-summary').textContent(), '3 machines');
      assert.equal(await browser.page.locator('.vbk-rate').textContent(), '15 videos/s', 'the job\'s rate is the machines\' sum');
      assert.equal(await browser.page.locator('.vbk-machines').getAttribute('open'), '');
      assert.deepEqual(await cells('.vbk-machine-table thead tr'), [['Machine', 'Videos/s', 'Videos done', 'Decoding / workers']]);
      assert.deepEqual(await cells('.vbk-machine'), [[HOSTILE_HOST, '2.4', '56', '0 / 4'], ['worker-a', '0.5', '789', '1 / 2'], ['worker-b', '12', '1234', '8 / 8']]);
      assert.equal(await count('.vbk-progress img'), 0, 'a host name never becomes markup');
      assert.match((await browser.page.locator('.vbk-machine .vbk-machine-host').first().innerHTML()), /^&lt;img src=x onerror=alert\(1\)&gt;$/);
      assert.equal(await count('.vbk-machine th[scope="row"]'), 3, 'each row is named by its machine');
      assert.deepEqual(await browser.page.locator('.vbk-machine').evaluateAll((rows) => rows.map((row) => row.classList.contains('vbk-idle'))), [true, false, false]);
      assert.equal(await count('.vbk-worker'), 0);
      assert.equal(await browser.page.locator('.vbk-workers').isHidden(), true, 'no per-worker list for a queue job');
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(theme);
        await browser.page.locator('#slot-m').screenshot({ path: path.join(SCREENSHOTS, `progress-machines-${theme}.png`) });
      }
    });

    it('updates the rows in place, folds on the keyboard, and caps a cluster of 200', async () => {
      await activate('progress', false);
      await render('progress', 'm', 'job', progressAt(midRunIndex(), 'running', MACHINES));
      await browser.page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.tag('.vbk-machine'));
      const busier = MACHINES.map((machine) => ({ ...machine, done: machine.done + 1 }));
      await render('progress', 'm', 'job', progressAt(midRunIndex(), 'running', busier));
      assert.deepEqual(await browser.page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.tagged('.vbk-machine')), [true, true, true]);
      assert.deepEqual(await texts('.vbk-machine-done'), ['Videos done', '57', '790', '1235']);
      await browser.page.locator('.vbk-machines-summary').focus();
      await browser.page.keyboard.press('Enter');
      assert.equal(await browser.page.locator('.vbk-machines').getAttribute('open'), null);
      await render('progress', 'm', 'job', progressAt(midRunIndex(), 'running', busier));
      assert.equal(await browser.page.locator('.vbk-machines').getAttribute('open'), null, 'folded stays folded while updates come');
      await browser.page.keyboard.press('Enter');

      const cluster = Array.from({ length: 200 }, (_, i) => ({ ...MACHINES[0], host: `node${String(i).padStart(3, '0')}`, pid: i }));
      await render('progress', 'm', 'job', progressAt(midRunIndex(), 'running', cluster));
      assert.equal(await browser.page.locator('.vbk-machines-summary').textContent(), '200 machines (first 64 listed)');
      assert.equal(await count('.vbk-machine'), 64);
      await render('progress', 'm', 'job', progressAt(-1, 'done', MACHINES));
      assert.equal(await browser.page.locator('.vbk-machine-active').first().isHidden(), true, 'no "decoding now" once the job is over');
      assert.deepEqual(await texts('.vbk-machine-done'), ['Videos done', '56', '789', '1234']);
      const local = progressAt(midRunIndex(), 'running');
      await render('progress', 'm', 'job', local);
      assert.equal(await browser.page.locator('.vbk-machines').isHidden(), true, 'a run on one machine, or an older output, has no machine list');
      assert.equal(await count('.vbk-worker'), local.workers.length);
    });
  });

  describe('keyframes', () => {
    let output: KeyframesOutput;
    before(() => {
      output = keyframesOutput(run.records, jpegDataUri);
    });

    it('shows one row of thumbnails per video with timestamps, ids as text', async () => {
      await activate('keyframes', false);
      await render('keyframes', 'k', 'grid', output);
      assert.equal(await count('.vbk-video'), 4);
      assert.deepEqual(await texts('.vbk-video-id'), ['clip0', 'clip1', 'clip2', HOSTILE_ID]);
      assert.equal(await count('.vbk-video b'), 0);
      const paths = await texts('.vbk-video-path');
      assert.ok(paths[3].endsWith(`/${HOSTILE_VIDEO_NAME}`), paths[3]);
      assert.equal(await count('.vbk-thumb-image'), 16);
      assert.equal(await count('img'), 17, 'the thumbnails and the enlarged view, nothing from a file name');
      assert.deepEqual(await texts('.vbk-video:first-child .vbk-time'), ['0.00 s', '0.36 s', '0.76 s', '1.16 s']);
      await browser.page.waitForFunction(() => (globalThis as unknown as HarnessGlobal).harness.loadedImages('.vbk-thumb-image') === 16);
      assert.equal(await browser.page.locator('.vbk-pager button').first().isVisible(), false, 'one page: no paging buttons');
    });

    it('enlarges a thumbnail on click and closes it again', async () => {
      await activate('keyframes', false);
      await render('keyframes', 'k', 'grid', output);
      assert.equal(await browser.page.locator('.vbk-enlarged').isHidden(), true);
      const thumb = browser.page.locator('.vbk-video').nth(1).locator('.vbk-thumb').nth(2);
      await thumb.click();
      assert.equal(await browser.page.locator('.vbk-enlarged').isVisible(), true);
      assert.equal(await count('.vbk-video:nth-child(2) + .vbk-enlarged'), 1, 'opens under the clicked row');
      assert.equal(await browser.page.locator('.vbk-enlarged-image').getAttribute('src'), output.videos[1].frames[2].src);
      assert.match((await browser.page.locator('.vbk-enlarged-caption').textContent())!, /^clip1 · frame 19 · 0\.76 s · /);
      await browser.page.waitForFunction(() => (globalThis as unknown as HarnessGlobal).harness.loadedImages('.vbk-enlarged-image') === 1);
      const width = Number.parseFloat(await computed('.vbk-enlarged-image', 'width'));
      const thumbWidth = Number.parseFloat(await computed('.vbk-video:nth-child(2) .vbk-thumb-image', 'width'));
      assert.ok(width > 3 * thumbWidth, `${width} vs ${thumbWidth}`);
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(theme);
        await browser.page.locator('#slot-k').screenshot({ path: path.join(SCREENSHOTS, `keyframes-${theme}.png`) });
      }
      await browser.page.locator('.vbk-enlarged-close').click();
      assert.equal(await browser.page.locator('.vbk-enlarged').isHidden(), true);
    });

    it('follows the theme through VS Code colour variables', async () => {
      await activate('keyframes', false);
      await render('keyframes', 'k', 'grid', output);
      const colours: Record<string, string[]> = {};
      for (const theme of ['light', 'dark', 'high-contrast'] as const) {
        await setTheme(theme);
        colours[theme] = [await computed('.vbk-video-id', 'color'), await computed('.vbk-video-path', 'color'), await computed('.vbk-page-position', 'color')];
      }
      assert.deepEqual(colours.light, ['rgb(97, 97, 97)', 'rgb(113, 113, 113)', 'rgb(113, 113, 113)']);
      assert.deepEqual(colours.dark, ['rgb(204, 204, 204)', 'rgb(157, 157, 157)', 'rgb(157, 157, 157)']);
      assert.deepEqual(colours['high-contrast'], ['rgb(255, 255, 255)', 'rgb(208, 208, 208)', 'rgb(208, 208, 208)']);
      assert.equal(await computed('.vbk-video + .vbk-video', 'border-top-color'), 'rgb(111, 195, 223)');
    });

    it('pages a run of 500 videos: never more than one page in the DOM', async () => {
      await activate('keyframes', false);
      const large = keyframesOutput(manyRecords(500), jpegDataUri, { limit: 500 });
      await render('keyframes', 'k', 'grid', large);
      assert.equal(await count('.vbk-video'), large.pageSize);
      assert.equal(await count('.vbk-thumb-image'), large.pageSize * 4);
      assert.equal(await browser.page.locator('.vbk-page-position').textContent(), `Videos 1–${PAGE} of 500`);
      await browser.page.locator('.vbk-page-next').click();
      assert.equal(await browser.page.locator('.vbk-page-position').textContent(), `Videos ${PAGE + 1}–${2 * PAGE} of 500`);
      assert.deepEqual((await texts('.vbk-video-id')).slice(0, 2), [videoId(PAGE), videoId(PAGE + 1)]);
      assert.equal(await count('.vbk-video'), PAGE);
      assert.equal(await browser.page.locator('.vbk-page-previous').isEnabled(), true);
      await setTheme('dark');
      await browser.page.screenshot({ path: path.join(SCREENSHOTS, 'keyframes-paged-dark.png') });
    });

    it('asks the kernel for pages the output does not carry, and says so when no kernel is there', async () => {
      const records = manyRecords(45);
      const firstPage = keyframesOutput(records, jpegDataUri);
      assert.equal(firstPage.videos.length, PAGE);

      await activate('keyframes', false);
      await render('keyframes', 'alone', 'saved', firstPage);
      await browser.page.locator('#slot-alone .vbk-page-next').click();
      assert.equal(await browser.page.locator('#slot-alone .vbk-video').count(), 0);
      assert.match((await browser.page.locator('#slot-alone .vbk-notice').textContent())!, new RegExp(`^${PAGE} videos of this page are not saved in this output`));

      await activate('keyframes', true);
      await render('keyframes', 'live', 'live-item', firstPage);
      await browser.page.locator('#slot-live .vbk-page-next').click();
      const posted = await browser.page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.posted);
      assert.deepEqual(posted, [{ type: 'keyframesPageRequest', outputId: 'live-item', offset: PAGE, limit: PAGE, query: DEFAULT_KEYFRAMES_QUERY }]);
      const next = keyframesOutput(records, jpegDataUri, { offset: PAGE });
      const reply: KeyframesPageReply = { type: 'keyframesPage', outputId: 'live-item', offset: next.offset, videos: next.videos, totalVideos: next.totalVideos };
      await browser.page.evaluate((m) => (globalThis as unknown as HarnessGlobal).harness.reply(m), reply);
      assert.equal(await browser.page.locator('#slot-live .vbk-video').count(), PAGE);
      assert.equal(await browser.page.locator('#slot-live .vbk-video-id').first().textContent(), videoId(PAGE));
      assert.equal(await browser.page.locator('#slot-live .vbk-notice').isHidden(), true);
    });
  });
});
