// @ts-check
// What the last packaging run produced and from which inputs, written beside the .vsix files: a caller
// that only needs the packages (the packaging test) reuses them while nothing they are made of changed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** @typedef {{ target: string, file: string, bytes: number }} PackagedVsix */
/** @typedef {{ inputs: string, packages: PackagedVsix[] }} PackagingSummary */

export const SUMMARY_FILE = 'packages.json';

/**
 * A digest of everything the packages are made from: the extension's files (its lockfile among them,
 * whose integrity hashes pin the dependencies' contents) and this tool's code and lockfile. Not file
 * times: every build rewrites dist/ with the same bytes.
 * @param {string} root
 * @param {readonly string[]} extensionFiles relative to root
 * @param {string} toolDir
 * @returns {string}
 */
export function inputsDigest(root, extensionFiles, toolDir) {
  const toolFiles = readdirSync(toolDir)
    .filter((name) => name.endsWith('.mjs') || name === 'package-lock.json')
    .map((name) => path.relative(root, path.join(toolDir, name)));
  const hash = createHash('sha256');
  for (const file of [...extensionFiles, ...toolFiles].sort()) {
    const content = readFileSync(path.join(root, file));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/**
 * The summary in outDir when it was made from these inputs for these targets and its files are still
 * there, else undefined.
 * @param {string} outDir
 * @param {string} inputs
 * @param {readonly string[]} targets
 * @returns {PackagingSummary | undefined}
 */
export function readFreshSummary(outDir, inputs, targets) {
  const summaryPath = path.join(outDir, SUMMARY_FILE);
  if (!existsSync(summaryPath)) return undefined;
  /** @type {PackagingSummary} */
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
  const sameTargets = summary.packages.map((vsix) => vsix.target).join() === targets.join();
  const filesIntact = summary.packages.every((vsix) => {
    const file = path.join(outDir, vsix.file);
    return existsSync(file) && statSync(file).size === vsix.bytes;
  });
  return summary.inputs === inputs && sameTargets && filesIntact ? summary : undefined;
}

/**
 * @param {string} outDir
 * @param {PackagingSummary} summary
 */
export function writeSummary(outDir, summary) {
  writeFileSync(path.join(outDir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}
