import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'video-batch-kernel';

/**
 * The version in the package.json of `packageName` nearest above `dir`; null when none is found.
 * Read from the file rather than resolved: many packages' `exports` do not expose package.json.
 */
function versionAbove(dir: string, packageName: string): string | null {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(current, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === packageName && manifest.version) return manifest.version;
    } catch {
      // No (readable) package.json here: keep walking up.
    }
    if (path.dirname(current) === current) return null;
  }
}

/** This package's version: this module sits in dist/ when bundled and in out/kernel/src/ when compiled. */
export function packageVersion(): string {
  return versionAbove(__dirname, PACKAGE_NAME) ?? 'unknown';
}

/** The version of an installed dependency, from beside its entry point; null when it is not installed. */
export function installedVersion(packageName: string): string | null {
  try {
    return versionAbove(path.dirname(require.resolve(packageName)), packageName);
  } catch {
    return null;
  }
}
