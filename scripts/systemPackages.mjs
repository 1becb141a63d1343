// Debian packages that parts of the test suite need, found by the files they install, and installed
// with apt-get when missing and running as root; otherwise the exact command is printed. The root
// install never needs any of these: only the tests do.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import * as path from 'node:path';

/** @typedef {{ debianPackage: string, neededFor: string, present: () => boolean }} SystemRequirement */

function onPath(program) {
  return (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** @returns {SystemRequirement} */
export function program(name, debianPackage, neededFor) {
  return { debianPackage, neededFor, present: () => onPath(name) };
}

/** @returns {SystemRequirement} */
export function file(filePath, debianPackage, neededFor) {
  return { debianPackage, neededFor, present: () => existsSync(filePath) };
}

/** The browser the renderer and VS Code tests drive (VBK_CHROMIUM names another). */
export const CHROMIUM = process.env.VBK_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Makes sure every requirement is present: as root, installs the missing packages with apt-get;
 * otherwise throws an error naming them and the command that installs them.
 * @param {SystemRequirement[]} requirements
 * @param {(line: string) => void} say
 */
export function ensureSystemPackages(requirements, say = (line) => console.log(line)) {
  const missing = requirements.filter((requirement) => !requirement.present());
  if (missing.length === 0) return;
  const neededFor = new Map(missing.map((requirement) => [requirement.debianPackage, requirement.neededFor]));
  const packages = [...neededFor.keys()];
  const why = packages.map((name) => `${name} (${neededFor.get(name)})`).join(', ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `the tests need Debian packages that are missing: ${why}. Install them with:\n  sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    );
  }
  say(`installing Debian packages the tests need: ${why}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const stillMissing = missing.filter((requirement) => !requirement.present());
  if (stillMissing.length) throw new Error(`apt-get installed ${packages.join(' ')}, but these are still missing: ${stillMissing.map((r) => r.debianPackage).join(', ')}`);
}
