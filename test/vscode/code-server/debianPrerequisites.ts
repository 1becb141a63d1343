/**
 * The Debian packages the harness needs. Installing code-server builds native modules (node-pty,
 * kerberos, argon2, spdlog, ...) with node-gyp, and its @vscode/ripgrep is handed Debian's rg instead
 * of a download; running the tests needs Chromium. As root the missing packages are installed; anyone
 * else is told exactly which ones to install before anything starts.
 */
import { existsSync } from 'node:fs';
import { runLogged } from './loggedCommand';
import { findOnPath, isExecutable } from './pathLookup';

interface Prerequisite {
  debianPackage: string;
  isPresent: () => boolean;
}

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const APT_TIMEOUT_MS = 10 * 60_000;

/** The Chromium the launcher drives: VBK_CHROMIUM when set, else Debian's. */
export function chromiumExecutable(): string {
  return process.env.VBK_CHROMIUM || DEFAULT_CHROMIUM;
}

const BUILD_PREREQUISITES: Prerequisite[] = [
  { debianPackage: 'g++', isPresent: () => findOnPath('g++') !== undefined },
  { debianPackage: 'make', isPresent: () => findOnPath('make') !== undefined },
  // node-gyp runs gyp, a Python program.
  { debianPackage: 'python3', isPresent: () => findOnPath('python3') !== undefined },
  // code-server's kerberos module compiles against GSSAPI.
  { debianPackage: 'libkrb5-dev', isPresent: () => existsSync('/usr/include/gssapi/gssapi.h') },
  { debianPackage: 'ripgrep', isPresent: () => findOnPath('rg') !== undefined },
];

/**
 * Chromium from Debian is a prerequisite only where VBK_CHROMIUM names none; a VBK_CHROMIUM that is
 * not there is the user's to fix, not apt's.
 */
function chromiumPrerequisites(): Prerequisite[] {
  if (!process.env.VBK_CHROMIUM) return [{ debianPackage: 'chromium', isPresent: () => isExecutable(DEFAULT_CHROMIUM) }];
  if (!isExecutable(process.env.VBK_CHROMIUM)) {
    throw new Error(`VBK_CHROMIUM is ${process.env.VBK_CHROMIUM}, which is not an executable file: point it at a Chromium, or unset it to use ${DEFAULT_CHROMIUM} (Debian's chromium).`);
  }
  return [];
}

/** The Debian packages missing for installing the harness (forInstall) or only for running it. */
function missingDebianPackages(forInstall: boolean): string[] {
  const prerequisites = [...(forInstall ? BUILD_PREREQUISITES : []), ...chromiumPrerequisites()];
  return prerequisites.filter((prerequisite) => !prerequisite.isPresent()).map((prerequisite) => prerequisite.debianPackage);
}

const aptInstallArgs = (packages: string[]): string[] => ['install', '-y', '--no-install-recommends', ...packages];

/**
 * The missing packages, for installDebianPackages to install as root; anyone else gets an error
 * naming them and the command that installs them, before anything has been changed.
 */
export function debianPackagesToInstall(forInstall: boolean): string[] {
  const missing = missingDebianPackages(forInstall);
  if (missing.length > 0 && process.getuid?.() !== 0) {
    throw new Error(`The VS Code tests need Debian packages that are missing: ${missing.join(' ')}. Install them with: sudo apt-get update && sudo apt-get ${aptInstallArgs(missing).join(' ')}`);
  }
  return missing;
}

export async function installDebianPackages(packages: string[], forInstall: boolean, logFile: string): Promise<void> {
  if (packages.length === 0) return;
  process.stdout.write(`Installing Debian packages the VS Code tests need: ${packages.join(' ')} (log: ${logFile})\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runLogged({ executable: 'apt-get', args: ['update'], env, logFile, timeoutMs: APT_TIMEOUT_MS });
  await runLogged({ executable: 'apt-get', args: aptInstallArgs(packages), env, logFile, timeoutMs: APT_TIMEOUT_MS });
  const stillMissing = missingDebianPackages(forInstall);
  if (stillMissing.length > 0) throw new Error(`apt-get installed ${packages.join(' ')}, yet ${stillMissing.join(' ')} is still not found; see ${logFile}`);
}
