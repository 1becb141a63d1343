/**
 * The Debian packages installing the harness needs: code-server builds native modules (node-pty,
 * kerberos, argon2, spdlog, ...) with node-gyp, and its @vscode/ripgrep is handed Debian's rg instead
 * of a download. Running it needs Chromium.
 */
import { chromiumRequirements, fileRequirement, programRequirement, type DebianRequirement } from '../../setup/debianPackages';

const BUILD_REQUIREMENTS: DebianRequirement[] = [
  programRequirement('g++', 'g++', "code-server's native modules are compiled"),
  programRequirement('make', 'make', "code-server's native modules are compiled"),
  // node-gyp runs gyp, a Python program.
  programRequirement('python3', 'python3', 'node-gyp runs gyp'),
  fileRequirement('/usr/include/gssapi/gssapi.h', 'libkrb5-dev', "code-server's kerberos module compiles against GSSAPI"),
  programRequirement('rg', 'ripgrep', '@vscode/ripgrep gets Debian\'s rg instead of a download'),
];

/** What installing the harness (forInstall) or only running it needs. */
export function harnessRequirements(forInstall: boolean): DebianRequirement[] {
  return [...(forInstall ? BUILD_REQUIREMENTS : []), ...chromiumRequirements()];
}
