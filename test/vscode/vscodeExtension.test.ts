/**
 * The extension in a real VS Code (code-server, see test/vscode/launcher/): one VS Code with a
 * trusted workspace runs test/vscode/suite/trusted, one in restricted mode runs suite/restricted.
 * Each start costs 10 to 15 s, so the suites are few and broad. The first run installs code-server
 * (test/vscode/code-server/, 1 to 2 minutes).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ensureCodeServer } from './code-server/installCodeServer';
import { makeRunsWorkspace } from './runsWorkspace';

const REPO = path.resolve(__dirname, '..', '..', '..');
const LAUNCHER = path.join(REPO, 'test', 'vscode', 'code-server-launcher');
const SUITE_ENTRY = path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js');

async function runSuite(suite: 'trusted' | 'restricted'): Promise<void> {
  const workspace = mkdtempSync(path.join(tmpdir(), `vbk-workspace-${suite}-`));
  try {
    // The sample notebook beside the sample dataset, as in samples/.
    copyFileSync(path.join(REPO, 'samples', 'sample.ipynb'), path.join(workspace, 'sample.ipynb'));
    execFileSync(process.execPath, [path.join(REPO, 'out', 'samples', 'generateSamples.js'), path.join(workspace, 'data')], { stdio: 'ignore' });
    if (suite === 'trusted') await makeRunsWorkspace(workspace);
    const exitCode = await runTests({
      vscodeExecutablePath: LAUNCHER,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: SUITE_ENTRY,
      launchArgs: [workspace, ...(suite === 'restricted' ? ['--restricted-mode'] : [])],
      extensionTestsEnv: { VBK_VSCODE_SUITE: suite, VBK_TEST_WORKSPACE: workspace, VBK_REPO: REPO, VBK_VSCODE_GREP: process.env.VBK_VSCODE_GREP ?? '', VBK_SCREENSHOTS_DIR: process.env.VBK_SCREENSHOTS_DIR ?? '' },
    });
    assert.equal(exitCode, 0);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

describe('VS Code extension (code-server)', function () {
  this.timeout(600_000);
  this.slow(60_000);

  before(async function () {
    // Longer than an install's own time limits (apt-get, npm), so that its message, naming the log,
    // is the one seen.
    this.timeout(60 * 60_000);
    await ensureCodeServer();
  });

  it('trusted workspace: notebook, resume, Process Video Dataset, runs view', () => runSuite('trusted'));
  it('restricted mode: no cell runs', () => runSuite('restricted'));
});
