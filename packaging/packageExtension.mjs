// @ts-check
// `npm run package`: one .vsix per target platform in out/vsix/, each holding that platform's node-av
// binary and no other. Expects dist/ built. With --reuse-fresh, packages made from the same inputs
// are kept instead of rebuilt.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installForTarget, verifyInstalledTree } from './installTarget.mjs';
import { inputsDigest, readFreshSummary, writeSummary } from './packagingSummary.mjs';
import { listExtensionFiles, stageExtension } from './stageExtension.mjs';
import { PACKAGE_TARGETS } from './targets.mjs';

/** @typedef {import('./packagingSummary.mjs').PackagedVsix} PackagedVsix */

const toolDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(toolDir);
const outDir = path.join(root, 'out', 'vsix');

/**
 * vsce, installed in this folder on first use (it is too big to weigh on every install of the
 * repository). Without scripts: its optional keytar downloads a binary, and only publishing logins use it.
 * @returns {string} vsce's executable script
 */
function ensurePackagingTool() {
  const vsceDir = path.join(toolDir, 'node_modules', '@vscode', 'vsce');
  /** @type {{ packages: Record<string, { version?: string }> }} */
  const lock = JSON.parse(readFileSync(path.join(toolDir, 'package-lock.json'), 'utf8'));
  const lockedVersion = lock.packages['node_modules/@vscode/vsce']?.version;
  const manifestPath = path.join(vsceDir, 'package.json');
  /** @type {string | undefined} */
  const installedVersion = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')).version : undefined;
  if (installedVersion !== lockedVersion) {
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: toolDir, stdio: 'inherit' });
  }
  return path.join(vsceDir, 'vsce');
}

/** @param {readonly PackagedVsix[]} packages */
function printSizes(packages) {
  for (const vsix of packages) {
    console.log(`${vsix.target.padEnd(14)} ${(vsix.bytes / 1e6).toFixed(1).padStart(6)} MB  ${path.relative(process.cwd(), path.join(outDir, vsix.file))}`);
  }
}

const extensionFiles = listExtensionFiles(root);
const inputs = inputsDigest(root, extensionFiles, toolDir);
const targets = PACKAGE_TARGETS.map((target) => target.target);
const fresh = process.argv.includes('--reuse-fresh') ? readFreshSummary(outDir, inputs, targets) : undefined;
if (fresh) {
  console.log('The packages in out/vsix/ are up to date:');
  printSizes(fresh.packages);
  process.exit(0);
}

const vsce = ensurePackagingTool();
/** @type {{ version: string, name: string }} */
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const stagingDir = mkdtempSync(path.join(tmpdir(), 'vbk-package-'));
const started = Date.now();
try {
  await stageExtension(root, extensionFiles, stagingDir);
  /** @type {PackagedVsix[]} */
  const packages = [];
  for (const [index, target] of PACKAGE_TARGETS.entries()) {
    const targetStarted = Date.now();
    installForTarget(stagingDir, target, index === 0);
    verifyInstalledTree(stagingDir, target);
    const file = `${manifest.name}-${target.target}-${manifest.version}.vsix`;
    execFileSync(
      process.execPath,
      [vsce, 'package', '--target', target.target, '--allow-missing-repository', '--no-rewrite-relative-links', '--out', path.join(outDir, file)],
      { cwd: stagingDir, stdio: 'inherit' },
    );
    packages.push({ target: target.target, file, bytes: statSync(path.join(outDir, file)).size });
    console.log(`${target.target}: packaged in ${((Date.now() - targetStarted) / 1000).toFixed(1)} s`);
  }
  writeSummary(outDir, { inputs, packages });
  console.log(`Packaged ${packages.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  printSizes(packages);
} finally {
  rmSync(stagingDir, { recursive: true, force: true });
}
