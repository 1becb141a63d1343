// @ts-check
// The folder a .vsix is built from: the extension's own files, copied out of the repository so that
// the dependencies installed beside them are one target platform's, not this machine's.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * The files the extension ships, relative to the repository root: what npm packs for the library
 * (package.json's `files`: the bundles, type declarations that notebook cells type-check against,
 * the sample notebook, the walkthrough's media), plus the lockfile, which pins the dependencies
 * installed beside them, and the .vscodeignore that prunes those dependencies.
 * @param {string} root
 * @returns {string[]}
 */
export function listExtensionFiles(root) {
  // npm's own reading of `files` (globs, always-included names), without running `prepare`.
  const packOutput = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  /** @type {{ files: { path: string }[] }[]} */
  const packs = JSON.parse(packOutput);
  const packed = packs[0].files.map((file) => file.path);
  return [...new Set([...packed, 'package-lock.json', '.vscodeignore'])].sort();
}

/**
 * Copies the extension's files into `stagingDir`. Its package.json loses `files`: vsce refuses a
 * manifest with both `files` and a .vscodeignore, and the staged folder holds only those files anyway.
 * @param {string} root
 * @param {readonly string[]} files
 * @param {string} stagingDir
 */
export async function stageExtension(root, files, stagingDir) {
  for (const file of files) {
    const target = path.join(stagingDir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(root, file), target);
  }
  const manifestPath = path.join(stagingDir, 'package.json');
  /** @type {Record<string, unknown>} */
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  delete manifest.files;
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}
