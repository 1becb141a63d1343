import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'video-batch-kernel';

/**
 * This package's version, from its package.json: found by walking up from this module, which sits
 * in dist/ when bundled and in out/kernel/src/ when compiled, so no build step copies it.
 */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && manifest.version) return manifest.version;
    } catch {
      // No (readable) package.json here: keep walking up.
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
