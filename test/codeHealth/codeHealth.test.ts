import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { functionLengths, importCycles, lineCount, REPO, sourceFiles } from './sourceGraph';

/** The product's code (tests and benchmarks may be longer: a test reads best top to bottom). */
const PRODUCT_FOLDERS = ['kernel/src', 'extension/src', 'renderers'];
const MAX_MODULE_LINES = 300;
const MAX_FUNCTION_LINES = 60;

const relative = (file: string) => path.relative(REPO, file);

describe('code health', () => {
  it('has no import cycle anywhere', () => {
    const cycles = importCycles(sourceFiles(['kernel/src', 'extension/src', 'renderers', 'samples', 'test', 'bench']));
    assert.deepEqual(cycles.map((cycle) => cycle.map(relative)), []);
  });

  it(`keeps every module of the product under ${MAX_MODULE_LINES} lines`, () => {
    const long = sourceFiles(PRODUCT_FOLDERS).filter((file) => lineCount(file) > MAX_MODULE_LINES);
    assert.deepEqual(long.map((file) => `${relative(file)}: ${lineCount(file)} lines`), []);
  });

  it(`keeps every function of the product under ${MAX_FUNCTION_LINES} lines`, () => {
    const long = sourceFiles(PRODUCT_FOLDERS).flatMap(functionLengths).filter((fn) => fn.lines > MAX_FUNCTION_LINES);
    assert.deepEqual(long.map((fn) => `${relative(fn.file)}:${fn.line} ${fn.name}: ${fn.lines} lines`), []);
  });
});
