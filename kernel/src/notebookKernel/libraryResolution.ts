import * as path from 'node:path';
import * as ts from '@tslab/typescript-for-tslab';

export const LIBRARY_SPECIFIER = 'video-batch-kernel';

/**
 * Makes `import ... from 'video-batch-kernel'` type-check in cells wherever the notebook is.
 * tslab's type checker resolves packages from the notebook's folder up, where the library is not
 * installed; as tslab itself does for `tslab`, paths under `<notebook folder>/node_modules/
 * video-batch-kernel/` are answered from the package that holds this kernel (its package.json
 * names the type declarations). Must run before the converter is created.
 */
export function forwardLibraryTypes(notebookFolder: string, packageRoot: string): void {
  const forwardedPrefix = path.join(notebookFolder, 'node_modules', LIBRARY_SPECIFIER);
  const forward = (file: string): string => {
    const relative = path.relative(forwardedPrefix, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? file : path.join(packageRoot, relative);
  };
  const sys = ts.sys;
  const { fileExists, readFile, directoryExists, realpath, readDirectory } = sys;
  sys.fileExists = (file) => fileExists.call(sys, forward(file));
  sys.readFile = (file, encoding) => readFile.call(sys, forward(file), encoding);
  sys.directoryExists = (directory) => directoryExists.call(sys, forward(directory));
  sys.readDirectory = (directory, ...rest) => readDirectory.call(sys, forward(directory), ...rest);
  if (realpath) sys.realpath = (file) => realpath.call(sys, forward(file));
}

type RequireFunction = (id: string) => unknown;

/**
 * At run time, a cell's `require('video-batch-kernel')` gets the library instance this kernel
 * runs, not a second copy: runs started in cells must share the kernel's hooks (progress
 * displays, interrupts, default checkpoints). tslab hands cells the require function it keeps in
 * `globalThis.__tslab__`; it is wrapped once, after the executor is created.
 */
export function provideLibraryToCells(library: object): void {
  const tslabGlobals = (globalThis as { __tslab__?: { require: RequireFunction } }).__tslab__;
  if (!tslabGlobals) throw new Error('tslab executor globals are missing: create the executor first');
  const cellRequire = tslabGlobals.require;
  tslabGlobals.require = new Proxy(cellRequire, {
    apply: (target, thisArg, args: unknown[]) => (args[0] === LIBRARY_SPECIFIER ? library : Reflect.apply(target, thisArg, args)),
  });
}
