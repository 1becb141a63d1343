import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'video-batch-kernel';

/**
 * The folder of this package's package.json: the kernel runs from the bundle (dist/) or from the
 * compiled tree (out/kernel/src/...), and the type declarations cells need are named from there.
 */
export function packageRoot(from: string = __dirname): string {
  for (let folder = from; ; folder = path.dirname(folder)) {
    const manifest = path.join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return folder;
    if (path.dirname(folder) === folder) throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}`);
  }
}
