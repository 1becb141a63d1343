import * as ts from '@tslab/typescript-for-tslab';

/** Lines compared without whitespace and without tslab's wrapping of the last expression. */
function lineKey(line: string): string {
  return line.replace(/^\s*exports\.tsLastExpr = /, '').replace(/\s+/g, '');
}

/** Lines tslab adds to keep cell variables across cells, which no cell line produced. */
function isBookkeeping(line: string): boolean {
  return /^\s*(Object\.defineProperty\(exports, "__esModule"|exports\.[\w$]+ = (exports\.[\w$]+ = )*(void 0|[\w$]+);$)/.test(line);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The source line (0-based) of each generated line, from a source map's `mappings` (VLQ, one group per line). */
function sourceLinesOfGeneratedLines(mappings: string): number[] {
  const lines: number[] = [];
  let sourceLine = 0;
  let lastKnown = 0;
  for (const group of mappings.split(';')) {
    let firstOfLine: number | undefined;
    for (const segment of group.split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        firstOfLine ??= sourceLine;
      }
    }
    lastKnown = firstOfLine ?? lastKnown;
    lines.push(lastKnown);
  }
  return lines;
}

/** Pairs of equal lines (longest common subsequence), as index in `a` -> index in `b`. */
function alignLines(a: readonly string[], b: readonly string[]): Map<number, number> {
  const cols = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * cols + j] = a[i] !== '' && a[i] === b[j]
        ? lengths[(i + 1) * cols + j + 1]! + 1
        : Math.max(lengths[(i + 1) * cols + j]!, lengths[i * cols + j + 1]!);
    }
  }
  const pairs = new Map<number, number>();
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] !== '' && a[i] === b[j]) pairs.set(i++, j++);
    else if (lengths[(i + 1) * cols + j]! >= lengths[i * cols + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * Maps each line of the JavaScript tslab emitted for a cell to the cell's own line (both
 * 1-based). tslab emits no source map, so the cell is also transpiled plainly with one, and the
 * two outputs, which differ only by tslab's bookkeeping (exported locals, the last expression),
 * are aligned like a diff; a tslab line between two aligned lines takes the plain line at the
 * same distance after the aligned one before it. Lines outside the emitted text (tslab's wrapper)
 * map to undefined.
 */
export function cellLineMap(cellSource: string, emitted: string): (emittedLine: number) => number | undefined {
  const plain = ts.transpileModule(cellSource, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, sourceMap: true, esModuleInterop: true },
    reportDiagnostics: false,
  });
  const plainLines = plain.outputText.split('\n');
  const sourceLineOfPlain = sourceLinesOfGeneratedLines((JSON.parse(plain.sourceMapText ?? '{"mappings":""}') as { mappings: string }).mappings);
  const emittedLines = emitted.split('\n');
  const pairs = alignLines(emittedLines.map(lineKey), plainLines.map(lineKey));
  const cellLineOf: number[] = [];
  let anchorPlain = 0;
  let sinceAnchor = 0;
  for (let i = 0; i < emittedLines.length; i++) {
    const paired = pairs.get(i);
    if (paired !== undefined) {
      anchorPlain = paired;
      sinceAnchor = 0;
    } else if (!isBookkeeping(emittedLines[i]!)) {
      sinceAnchor++;
    }
    const plainLine = Math.min(anchorPlain + sinceAnchor, sourceLineOfPlain.length - 1);
    cellLineOf.push((sourceLineOfPlain[Math.max(0, plainLine)] ?? 0) + 1);
  }
  return (emittedLine) => cellLineOf[emittedLine - 1];
}
