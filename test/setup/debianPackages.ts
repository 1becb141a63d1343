/**
 * Debian packages that parts of the test suite need, recognised by the files they install. As root
 * the missing ones are installed with apt-get; anyone else is told exactly which ones and the command
 * that installs them, before anything has been changed. The root install never needs any of them.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { runLogged } from './loggedCommand';
import { findOnPath, isExecutable } from '../../kernel/src/pathLookup';

export interface DebianRequirement {
  debianPackage: string;
  /** What needs it, for the message that names it. */
  neededFor: string;
  isPresent(): boolean;
}

const APT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function programRequirement(program: string, debianPackage: string, neededFor: string): DebianRequirement {
  return { debianPackage, neededFor, isPresent: () => findOnPath(program) !== undefined };
}

export function fileRequirement(file: string, debianPackage: string, neededFor: string): DebianRequirement {
  return { debianPackage, neededFor, isPresent: () => existsSync(file) };
}

/** The Chromium the renderer and VS Code tests drive: VBK_CHROMIUM when set, else Debian's. */
export function chromiumExecutable(): string {
  return process.env.VBK_CHROMIUM || DEFAULT_CHROMIUM;
}

/**
 * Debian's chromium, where VBK_CHROMIUM names none; a VBK_CHROMIUM that is not there is the user's
 * to fix, not apt's.
 */
export function chromiumRequirements(): DebianRequirement[] {
  const named = process.env.VBK_CHROMIUM;
  if (!named) return [{ debianPackage: 'chromium', neededFor: 'the renderer and VS Code tests drive it headless', isPresent: () => isExecutable(DEFAULT_CHROMIUM) }];
  if (!isExecutable(named)) {
    throw new Error(`VBK_CHROMIUM is ${named}, which is not an executable file: point it at a Chromium, or unset it to use ${DEFAULT_CHROMIUM} (Debian's chromium)`);
  }
  return [];
}

/** The packages of the requirements not met, each once. */
export function missingDebianPackages(requirements: readonly DebianRequirement[]): string[] {
  return [...new Set(requirements.filter((requirement) => !requirement.isPresent()).map((requirement) => requirement.debianPackage))];
}

const aptInstallArgs = (packages: readonly string[]): string[] => ['install', '-y', '--no-install-recommends', ...packages];

/** Throws, naming the packages and the command, where they are missing and this process cannot install them. */
export function assertInstallable(requirements: readonly DebianRequirement[]): string[] {
  const missing = missingDebianPackages(requirements);
  if (missing.length > 0 && process.getuid?.() !== 0) {
    const why = missing.map((name) => `${name} (${requirements.find((requirement) => requirement.debianPackage === name)!.neededFor})`);
    throw new Error(`the tests need Debian packages that are missing: ${why.join(', ')}. Install them with: sudo apt-get update && sudo apt-get ${aptInstallArgs(missing).join(' ')}`);
  }
  return missing;
}

/** Installs what is missing (as root; see assertInstallable), its output in `logFile`. */
export async function installDebianPackages(requirements: readonly DebianRequirement[], logFile: string): Promise<void> {
  const packages = assertInstallable(requirements);
  if (packages.length === 0) return;
  process.stdout.write(`Installing Debian packages the tests need: ${packages.join(' ')} (log: ${logFile})\n`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  appendFileSync(logFile, `\n${new Date().toISOString()}: installing ${packages.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runLogged({ executable: 'apt-get', args: ['update'], env, logFile, timeoutMs: APT_TIMEOUT_MS });
  await runLogged({ executable: 'apt-get', args: aptInstallArgs(packages), env, logFile, timeoutMs: APT_TIMEOUT_MS });
  const stillMissing = missingDebianPackages(requirements);
  if (stillMissing.length > 0) throw new Error(`apt-get installed ${packages.join(' ')}, yet ${stillMissing.join(' ')} is still not found; see ${logFile}`);
}
