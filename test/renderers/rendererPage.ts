import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumExecutable } from '../setup/debianPackages';

export type RendererKind = 'progress' | 'keyframes';
export type ThemeName = 'light' | 'dark' | 'high-contrast';

/** What the test page offers to page.evaluate callbacks, on globalThis.harness. */
export interface Harness {
  /** Activates a renderer the way VS Code does, with renderer messaging or without (no kernel). */
  activate(kind: RendererKind, withMessaging: boolean): void;
  /** Renders an output item into the output element `slot`, as VS Code does on every update. */
  render(kind: RendererKind, slot: string, itemId: string, data: unknown): void;
  clear(): void;
  setTheme(theme: ThemeName): void;
  /** Marks the matched nodes, so a later look can tell kept nodes from new ones. */
  tag(selector: string): number;
  tagged(selector: string): boolean[];
  computed(selector: string, property: string): string;
  /** Images that are in the page and have finished loading with real pixels. */
  loadedImages(selector: string): number;
  posted: unknown[];
  reply(message: unknown): void;
}
export interface HarnessGlobal {
  harness: Harness;
}

// Colours as VS Code's default themes give them: the renderers must only ever use the variables.
const THEMES: Record<ThemeName, Record<string, string>> = {
  light: {
    foreground: '#616161', 'editor-background': '#ffffff', descriptionForeground: '#717171', errorForeground: '#a1260d',
    'progressBar-background': '#0e70c0', 'badge-background': '#c4c4c4', 'badge-foreground': '#333333', 'button-background': '#007acc',
    'button-foreground': '#ffffff', focusBorder: '#0090f1', 'editorWidget-background': '#f3f3f3', 'editorWidget-border': '#c8c8c8',
    'testing-iconPassed': '#388a34', 'editorWarning-foreground': '#bf8803',
  },
  dark: {
    foreground: '#cccccc', 'editor-background': '#1e1e1e', descriptionForeground: '#9d9d9d', errorForeground: '#f48771',
    'progressBar-background': '#0e70c0', 'badge-background': '#4d4d4d', 'badge-foreground': '#ffffff', 'button-background': '#0e639c',
    'button-foreground': '#ffffff', focusBorder: '#007fd4', 'editorWidget-background': '#252526', 'editorWidget-border': '#454545',
    'testing-iconPassed': '#73c991', 'editorWarning-foreground': '#cca700',
  },
  'high-contrast': {
    foreground: '#ffffff', 'editor-background': '#000000', descriptionForeground: '#d0d0d0', errorForeground: '#f48771',
    'progressBar-background': '#6fc3df', 'badge-background': '#000000', 'badge-foreground': '#ffffff', 'button-background': '#000000',
    'button-foreground': '#ffffff', 'button-border': '#6fc3df', focusBorder: '#f38518', 'editorWidget-background': '#0c141f',
    'editorWidget-border': '#6fc3df', contrastBorder: '#6fc3df', 'testing-iconPassed': '#73c991', 'editorWarning-foreground': '#ffff00',
  },
};

function themeCss(): string {
  const common = '--vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;';
  const sets = Object.entries(THEMES).map(([name, vars]) => {
    const declarations = Object.entries(vars).map(([key, value]) => `--vscode-${key}: ${value};`).join(' ');
    return `body.vscode-${name} { ${common} ${declarations} }`;
  });
  return `${sets.join('\n')}\nbody { margin: 0; padding: 12px; background: var(--vscode-editor-background); }\n.output { margin-bottom: 16px; }`;
}

// The page's own script: a stand-in for the notebook webview, which imports a renderer module,
// calls activate(ctx), and hands output items to renderOutputItem.
const HARNESS_SCRIPT = `
const mimes = { progress: 'application/vnd.video-batch-kernel.progress+json', keyframes: 'application/vnd.video-batch-kernel.keyframes+json' };
const modules = { progress: await import('./progress.js'), keyframes: await import('./keyframes.js') };
const renderers = {};
const listeners = [];
const tags = new WeakSet();
const posted = [];
function slot(name) {
  let element = document.getElementById('slot-' + name);
  if (!element) {
    element = document.createElement('div');
    element.id = 'slot-' + name;
    element.className = 'output';
    document.getElementById('outputs').appendChild(element);
  }
  return element;
}
globalThis.harness = {
  posted,
  activate(kind, withMessaging) {
    const context = withMessaging
      ? { postMessage: (message) => posted.push(message), onDidReceiveMessage: (listener) => { listeners.push(listener); return { dispose() {} }; } }
      : {};
    renderers[kind] = modules[kind].activate(context);
  },
  render(kind, name, itemId, data) {
    const text = JSON.stringify(data);
    renderers[kind].renderOutputItem({ id: itemId, mime: mimes[kind], json: () => JSON.parse(text), text: () => text }, slot(name));
  },
  clear() { document.getElementById('outputs').replaceChildren(); },
  setTheme(theme) { document.body.className = 'vscode-' + theme; },
  tag(selector) { const nodes = document.querySelectorAll(selector); nodes.forEach((node) => tags.add(node)); return nodes.length; },
  tagged(selector) { return Array.from(document.querySelectorAll(selector), (node) => tags.has(node)); },
  computed(selector, property) { return getComputedStyle(document.querySelector(selector)).getPropertyValue(property); },
  loadedImages(selector) { return Array.from(document.querySelectorAll(selector)).filter((image) => image.complete && image.naturalWidth > 0).length; },
  reply(message) { listeners.forEach((listener) => listener(message)); },
};
document.body.dataset.ready = 'true';
`;

const ORIGIN = 'http://renderers.test';

export interface RendererPage {
  browser: Browser;
  page: Page;
  /** Dialogs the page opened (alert from injected markup, for one): there must be none. */
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium with a page that serves the built renderer bundles from a made-up origin (module
 * scripts do not load from file: URLs), so no network or server is involved.
 */
export async function openRendererPage(bundleDir: string): Promise<RendererPage> {
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 820, height: 600 } });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${themeCss()}</style></head>
<body class="vscode-light"><div id="outputs"></div><script type="module">${HARNESS_SCRIPT}</script></body></html>`;
  await page.route(`${ORIGIN}/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === 'index.html') return route.fulfill({ body: html, contentType: 'text/html' });
    if (name === 'progress.js' || name === 'keyframes.js') {
      return route.fulfill({ body: await readFile(path.join(bundleDir, name), 'utf8'), contentType: 'text/javascript' });
    }
    return route.fulfill({ status: 404, body: '' });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return { browser, page, dialogs, close: () => browser.close() };
}
