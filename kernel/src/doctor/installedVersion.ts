import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The version of an installed package, read from its package.json beside its entry point (many
 * packages' `exports` do not expose package.json); null when it is not installed.
 */
export function installedVersion(packageName: string): string | null {
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    return null;
  }
  for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === packageName) return manifest.version ?? null;
    } catch {
      // Not this folder: keep walking up.
    }
  }
  return null;
}
