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

/** The file `name` resolves to on PATH. */
export function findOnPath(name: string): string | undefined {
  const directories = (process.env.PATH ?? '').split(path.delimiter).filter((directory) => directory !== '');
  return directories.map((directory) => path.join(directory, name)).find(isExecutable);
}
