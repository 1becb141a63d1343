/**
 * Runs extension tests in a real VS Code: code-server (VS Code 1.100 for the browser, with a Node
 * extension host) driven by headless Chromium. It takes the command line that @vscode/test-electron's
 * runTests gives a VS Code executable, so `test/vscode/code-server-launcher` serves as one:
 *   --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER] [--restricted-mode]
 * (other flags are VS Code desktop's and are ignored). It exits with the tests' exit code.
 *
 * code-server refuses --extensionDevelopmentPath on its own command line but takes it in the page
 * URL's payload; the test run's exit code and console arrive through the page functions
 * `codeAutomationExit` and `codeAutomationLog`. Every run gets a fresh server on a free port with
 * its own config, user data and extensions folders; both process groups are killed and the folders
 * removed at the end, whatever happened. code-server comes from the harness package in
 * test/vscode/code-server/, installed on first use, and runs on the Node it was built for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { HARNESS_REQUEST_PREFIX, type HarnessRequest } from './harnessRequests';
import { answerHarnessRequest } from './answerHarnessRequest';
import { ensureCodeServer, type CodeServerInstallation } from '../code-server/installCodeServer';

interface LaunchArguments {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  folder?: string;
  /** Workspace trust on and the folder not trusted: what a user sees before trusting a download. */
  restrictedMode: boolean;
}

/** The whole run, server start to test exit; a hung test must not hang CI. */
const RUN_TIMEOUT_MS = Number(process.env.VBK_VSCODE_TIMEOUT_MS ?? 480_000);
const SERVER_START_TIMEOUT_MS = 60_000;

function parseArguments(argv: string[]): LaunchArguments {
  const valueOf = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const extensionDevelopmentPath = valueOf('extensionDevelopmentPath');
  const extensionTestsPath = valueOf('extensionTestsPath');
  if (!extensionDevelopmentPath || !extensionTestsPath) {
    throw new Error('usage: code-server-launcher --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER] [--restricted-mode]');
  }
  return {
    extensionDevelopmentPath: path.resolve(extensionDevelopmentPath),
    extensionTestsPath: path.resolve(extensionTestsPath),
    folder: argv.find((arg) => !arg.startsWith('-')),
    restrictedMode: argv.includes('--restricted-mode'),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** User settings of the throwaway profile: no welcome page, no trust prompt that would block the run. */
function writeUserSettings(userDataDir: string, restrictedMode: boolean): void {
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': restrictedMode,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.untrustedFiles': 'open',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'telemetry.telemetryLevel': 'off',
  };
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

function startCodeServer(codeServer: CodeServerInstallation, port: number, dirs: { root: string; userData: string }, restrictedMode: boolean): Promise<ChildProcess> {
  const configFile = path.join(dirs.root, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    codeServer.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--config', configFile,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', path.join(dirs.root, 'extensions'),
    ...(restrictedMode ? [] : ['--disable-workspace-trust']),
  ];
  // Its own process group, so extension hosts, kernels and watchers it starts die with it.
  const server = spawn(codeServer.nodeExecutable, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dirs.root } });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start in ${SERVER_START_TIMEOUT_MS / 1000} s:\n${output}`)), SERVER_START_TIMEOUT_MS);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (process.env.VBK_VSCODE_VERBOSE) process.stderr.write(chunk);
      if (/HTTP server listening on/.test(output)) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    server.stdout?.on('data', watch);
    server.stderr?.on('data', watch);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening:\n${output}`));
    });
  });
}

function workbenchUrl(port: number, launch: LaunchArguments): string {
  const remote = (file: string) => `vscode-remote://127.0.0.1:${port}${file}`;
  const payload = [
    ['extensionDevelopmentPath', remote(launch.extensionDevelopmentPath)],
    ['extensionTestsPath', remote(launch.extensionTestsPath)],
  ];
  const folder = launch.folder ? `folder=${encodeURIComponent(path.resolve(launch.folder))}&` : '';
  return `http://127.0.0.1:${port}/?${folder}payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function killGroup(child: ChildProcess | undefined): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The console arguments as the extension host's console.log got them (mocha's report uses format strings). */
function formatLogArguments(args: unknown): string {
  return format(...(Array.isArray(args) ? args : [args]));
}

async function runInBrowser(page: Page, url: string): Promise<number> {
  let settle: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (settle = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => settle(code));
  await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
    const line = formatLogArguments(args);
    if (line.startsWith(HARNESS_REQUEST_PREFIX)) {
      const request = JSON.parse(line.slice(HARNESS_REQUEST_PREFIX.length)) as HarnessRequest;
      void answerHarnessRequest(page, request);
      return;
    }
    process.stdout.write(`${line}\n`);
  });
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(url);
  return exited;
}

async function main(): Promise<number> {
  const launch = parseArguments(process.argv.slice(2));
  // A no-op after the test's before hook; installs code-server (and Chromium, as root) when run by hand.
  const codeServer = await ensureCodeServer();
  const root = mkdtempSync(path.join(tmpdir(), 'vbk-code-server-'));
  const dirs = { root, userData: path.join(root, 'user-data') };
  const chromiumTmp = path.join(root, 'chromium-tmp');
  mkdirSync(chromiumTmp);
  writeUserSettings(dirs.userData, launch.restrictedMode);
  let server: ChildProcess | undefined;
  let browserServer: BrowserServer | undefined;
  let browser: Browser | undefined;
  let deadline: NodeJS.Timeout | undefined;
  try {
    const port = await freePort();
    server = await startCodeServer(codeServer, port, dirs, launch.restrictedMode);
    browserServer = await chromium.launchServer({
      executablePath: codeServer.chromiumExecutable,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      env: { ...process.env, TMPDIR: chromiumTmp },
    });
    browser = await chromium.connect(browserServer.wsEndpoint());
    const page = await browser.newPage();
    const timedOut = new Promise<number>((resolve) => {
      deadline = setTimeout(() => {
        process.stderr.write(`extension tests did not finish in ${RUN_TIMEOUT_MS / 1000} s\n`);
        void page.screenshot({ path: path.join(process.cwd(), '.vscode-test', 'timeout.png') }).catch(() => undefined).finally(() => resolve(124));
      }, RUN_TIMEOUT_MS);
    });
    return await Promise.race([runInBrowser(page, workbenchUrl(port, launch)), timedOut]);
  } finally {
    clearTimeout(deadline);
    await browser?.close().catch(() => undefined);
    await browserServer?.close().catch(() => undefined);
    killGroup(browserServer?.process());
    killGroup(server);
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
