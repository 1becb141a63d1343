// Runs when the package is installed from its sources (`npm install` in a clone, from a git URL or a
// folder) and before `npm pack`: it builds what the package's entry points name, dist/ (esbuild, a
// dependency) and the library's type declarations (TypeScript, a dev dependency). An install with
// --omit=dev has no TypeScript: the bundles are enough to run the CLI and the library, so only a
// pack, which must ship the declarations, fails without it.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
const resolvable = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

if (!resolvable('esbuild')) {
  // `npm install <folder>` prepares the folder in place without installing its dependencies (a git
  // dependency gets a full install first): install them as npm does for git, scripts off (node-av's
  // would download an ffmpeg program), then build.
  console.log(`installing the build's dependencies in ${root} first`);
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  execFileSync(npm[0], [...npm.slice(1), 'install', '--include=dev', '--ignore-scripts', '--no-save', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    // Not the outer install's options (a folder link, --omit=dev): this one installs the folder itself.
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(install_links|omit|include|global|save|prefix)/i.test(name))),
  });
}

run([path.join(root, 'esbuild.mjs')]);

let tsc;
try {
  // Not node_modules/.bin/tsc: tslab's bundled TypeScript may own that name.
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
  const message = 'the type declarations (out/kernel/src/**/*.d.ts) need TypeScript, a dev dependency: run npm install without --omit=dev';
  if (packing) {
    console.error(`cannot pack: ${message}`);
    process.exit(1);
  }
  console.log(`built dist/; skipped ${message.replace('need', 'which need')}`);
  process.exit(0);
}
run([tsc, '-p', path.join(root, 'tsconfig.lib.json')]);
