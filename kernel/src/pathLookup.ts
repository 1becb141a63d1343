/** Finding programs the way a shell would, without starting one. */
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a program up on PATH the way a shell would, without a shell. */
export function findOnPath(program: string, searchPath = process.env.PATH ?? ''): string | undefined {
  const names = process.platform === 'win32' ? [`${program}.exe`, program] : [program];
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}
