// @ts-check
// Installs the extension's runtime dependencies in the staged folder as npm would on a target
// platform, and checks that what landed there is exactly what the repository's lockfile resolves.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { NATIVE_PACKAGE_SCOPE } from './targets.mjs';

/** @typedef {import('./targets.mjs').PackageTarget} PackageTarget */
/** @typedef {{ packages: Record<string, { version?: string }> }} Lockfile */

/**
 * The first install is `npm ci` (exactly the lockfile's tree); later ones swap the platform
 * packages of that tree in place (`npm install` with the same lockfile removes the previous
 * platform's optional packages and adds this one's), which saves reinstalling everything else.
 * Scripts never run: node-av's postinstall would download FFmpeg for this machine. The target's
 * unused builds are removed afterwards.
 * @param {string} stagingDir
 * @param {PackageTarget} target
 * @param {boolean} firstInstall
 */
export function installForTarget(stagingDir, target, firstInstall) {
  const platform = [`--os=${target.os}`, `--cpu=${target.cpu}`, ...(target.libc ? [`--libc=${target.libc}`] : [])];
  const command = firstInstall ? ['ci'] : ['install', '--no-save'];
  execFileSync('npm', [...command, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', ...platform], { cwd: stagingDir, stdio: 'inherit' });
  // Optional dependencies, so npm lists the tree as complete without them (vsce collects it with `npm list`).
  for (const unused of target.unusedBuilds) rmSync(path.join(stagingDir, 'node_modules', unused), { recursive: true, force: true });
}

/**
 * Throws unless every installed package is the lockfile's version of it and the only native
 * binary package is the target's.
 * @param {string} stagingDir
 * @param {PackageTarget} target
 */
export function verifyInstalledTree(stagingDir, target) {
  /** @type {Lockfile} */
  const locked = JSON.parse(readFileSync(path.join(stagingDir, 'package-lock.json'), 'utf8'));
  // npm's record of what it put in node_modules.
  /** @type {Lockfile} */
  const installed = JSON.parse(readFileSync(path.join(stagingDir, 'node_modules', '.package-lock.json'), 'utf8'));
  for (const [location, entry] of Object.entries(installed.packages)) {
    const lockedVersion = locked.packages[location]?.version;
    if (entry.version !== lockedVersion) throw new Error(`${target.target}: ${location} is ${entry.version}, the lockfile has ${lockedVersion ?? 'nothing'}`);
  }
  if (!installed.packages['node_modules/node-av']) throw new Error(`${target.target}: node-av was not installed`);
  const scopeDir = path.join(stagingDir, 'node_modules', NATIVE_PACKAGE_SCOPE);
  const nativePackages = (existsSync(scopeDir) ? readdirSync(scopeDir) : []).map((name) => `${NATIVE_PACKAGE_SCOPE}/${name}`);
  if (nativePackages.length !== 1 || nativePackages[0] !== target.nativePackage) {
    throw new Error(`${target.target}: expected only ${target.nativePackage}, found ${nativePackages.join(', ') || 'none'}`);
  }
}
