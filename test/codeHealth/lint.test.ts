import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './sourceGraph';

const execFileAsync = promisify(execFile);
/** The linter lives in a package of its own, out of the root install (tools/lint/package.json). */
const LINT_DIR = path.join(REPO, 'tools', 'lint');
const ESLINT = path.join(LINT_DIR, 'node_modules', 'eslint', 'bin', 'eslint.js');
const LINTED = ['kernel/src', 'extension/src', 'renderers', 'samples', 'test', 'bench'];

/** Installs tools/lint when it is missing or older than its lockfile (no install scripts: none are needed). */
async function ensureLinter(): Promise<void> {
  const installed = path.join(LINT_DIR, 'node_modules', '.package-lock.json');
  if (existsSync(ESLINT) && existsSync(installed) && statSync(installed).mtimeMs >= statSync(path.join(LINT_DIR, 'package-lock.json')).mtimeMs) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await execFileAsync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: LINT_DIR, maxBuffer: 16 * 2 ** 20 });
}

describe('lint', function () {
  this.timeout(180_000);

  it('typescript-eslint finds nothing: no floating promise, no unused code, no any', async () => {
    await ensureLinter();
    const lint = await execFileAsync(process.execPath, [ESLINT, '--config', path.join(LINT_DIR, 'eslint.config.mjs'), '--max-warnings', '0', ...LINTED], { cwd: REPO, maxBuffer: 16 * 2 ** 20 }).then(
      () => ({ failed: false, report: '' }),
      (error: { stdout?: string; stderr?: string }) => ({ failed: true, report: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    assert.equal(lint.failed, false, lint.report);
  });
});
