/**
 * code-server's VS Code depends on @vscode/ripgrep, whose postinstall downloads rg from GitHub and
 * fails where only the npm registry can be reached. Before downloading it looks for the release
 * tarball in `$TMPDIR/vscode-ripgrep-cache-<its version>/`, so the harness puts one there holding
 * Debian's rg (a full ripgrep; the release name only has to match).
 */
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { runLogged } from '../../setup/loggedCommand';
import { findOnPath } from '../../../kernel/src/pathLookup';

/**
 * Pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json (@vscode/ripgrep 1.15.11) and by
 * that package's lib/postinstall.js (VERSION, and its target for Linux x64). Another code-server
 * needs these read again from there.
 */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const RIPGREP_TARGET = 'x86_64-unknown-linux-musl';

/** Writes the tarball into the cache folder under tmpDir, the TMPDIR the install then runs with. */
export async function writeRipgrepCache(tmpDir: string, logFile: string): Promise<void> {
  const rg = findOnPath('rg');
  if (!rg) throw new Error('rg (Debian package ripgrep) is not on PATH');
  // The release tarballs hold `rg` at the top, which @vscode/ripgrep unpacks into its bin/. Archived
  // from a copy: PATH's rg may be a symbolic link, which tar would store as a link.
  const stagingDir = path.join(tmpDir, 'ripgrep-release');
  mkdirSync(stagingDir, { recursive: true });
  copyFileSync(rg, path.join(stagingDir, 'rg'));
  chmodSync(path.join(stagingDir, 'rg'), 0o755);
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${RIPGREP_TARGET}.tar.gz`);
  await runLogged({ executable: 'tar', args: ['-czf', tarball, '-C', stagingDir, 'rg'], logFile, timeoutMs: 60_000 });
}
