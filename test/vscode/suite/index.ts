/**
 * Entry point VS Code calls inside the extension host (extensionTestsPath): runs the mocha files of
 * one suite folder, chosen by VBK_VSCODE_SUITE (`trusted` or `restricted`: the two need differently
 * started VS Codes). Mocha 11: mocha 12 is ESM-only and cannot be constructed from CommonJS.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const suite = process.env.VBK_VSCODE_SUITE ?? 'trusted';
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec' });
  // VBK_VSCODE_GREP runs only the matching tests (while working on one).
  if (process.env.VBK_VSCODE_GREP) mocha.grep(process.env.VBK_VSCODE_GREP);
  const folder = path.join(__dirname, suite);
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.suite.js')).sort()) mocha.addFile(path.join(folder, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
