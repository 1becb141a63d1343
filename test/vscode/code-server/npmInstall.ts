/**
 * `npm ci` of one of the harness's packages, with every setting it needs given here rather than
 * taken from the machine's npm config.
 */
import { existsSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from '../../../kernel/src/pathLookup';
import { runLogged } from '../../setup/loggedCommand';

/** npm's own script: the npm running the tests (npm test, npx mocha), else PATH's npm. */
export function npmCliScript(): string {
  const candidates = [process.env.npm_execpath, findOnPath('npm')]
    .filter((file): file is string => file !== undefined && existsSync(file))
    .map((file) => realpathSync(file))
    .map((file) => (path.basename(file) === 'npx-cli.js' ? path.join(path.dirname(file), 'npm-cli.js') : file));
  const script = candidates.find((file) => path.basename(file) === 'npm-cli.js' && existsSync(file));
  if (!script) throw new Error(`Installing code-server needs npm: found no npm-cli.js behind npm_execpath (${process.env.npm_execpath ?? 'unset'}) or PATH's npm`);
  return script;
}

/**
 * Variables an npm that runs the tests (npm test) sets for its scripts. They describe that run, and
 * npm reads npm_config_* as settings: npm_config_user_agent would carry that npm's Node version into
 * code-server's postinstall, which checks it.
 */
const PARENT_NPM_RUN = /^(npm_config_(user_agent|node_gyp|local_prefix|global_prefix|npm_version)|npm_(execpath|node_execpath|command)|npm_lifecycle_\w+|npm_package_\w+|NODE)$/i;

export interface NpmCiOptions {
  packageDir: string;
  /** The Node that runs npm and, through PATH, every install script and node-gyp. */
  nodeExecutable: string;
  /** npm's npm-cli.js; by default the npm running the tests, else PATH's. */
  npmCli?: string;
  /** Headers for node-gyp (npm_config_nodedir); without it node-gyp would download them. */
  nodeHeadersDir?: string;
  /** The install's TMPDIR, a scratch folder of the installer's; also where bin links are put. */
  tmpDir: string;
  ignoreScripts: boolean;
  logFile: string;
  timeoutMs: number;
}

/**
 * A folder for the front of PATH holding only node, npm and npx, linked to the chosen Node and npm:
 * code-server's postinstall runs `npm install` in its VS Code folders, node-pty's runs `npx node-gyp`,
 * and node-gyp starts with `#!/usr/bin/env node`; all must get the Node code-server is built for.
 */
function linkToolchain(options: NpmCiOptions, npmCli: string): string {
  const binDir = mkdtempSync(path.join(options.tmpDir, 'bin-'));
  symlinkSync(options.nodeExecutable, path.join(binDir, 'node'));
  symlinkSync(npmCli, path.join(binDir, 'npm'));
  symlinkSync(path.join(path.dirname(npmCli), 'npx-cli.js'), path.join(binDir, 'npx'));
  return binDir;
}

function npmEnvironment(options: NpmCiOptions, binDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!PARENT_NPM_RUN.test(name)) env[name] = value;
  return {
    ...env,
    PATH: [binDir, process.env.PATH ?? ''].join(path.delimiter),
    TMPDIR: options.tmpDir,
    ...(options.nodeHeadersDir ? { npm_config_nodedir: options.nodeHeadersDir } : {}),
    // code-server's postinstall refuses to run as root unless this variable is true. npm itself has
    // not had the setting since version 7 (it warns of an unknown config); the variable is for that script.
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`, which must not stop to ask before fetching it.
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

export async function npmCi(options: NpmCiOptions): Promise<void> {
  const npmCli = options.npmCli ?? npmCliScript();
  const binDir = linkToolchain(options, npmCli);
  // Scripts in the foreground, so that their output (compilers included) lands in the log.
  const args = [npmCli, 'ci', '--foreground-scripts', ...(options.ignoreScripts ? ['--ignore-scripts'] : [])];
  await runLogged({ executable: options.nodeExecutable, args, cwd: options.packageDir, env: npmEnvironment(options, binDir), logFile: options.logFile, timeoutMs: options.timeoutMs });
}
