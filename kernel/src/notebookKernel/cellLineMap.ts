/** Lines compared without their whitespace: the compiler re-indents and re-spaces what it emits. */
function lineKey(line: string): string {
  return line.replace(/\s+/g, '');
}

/**
 * Maps each line of the JavaScript emitted for a cell to the cell's own line (both 1-based).
 * tslab emits no source map, and its output drops blank lines and type-only code and adds export
 * bookkeeping, so the two texts are aligned like a diff: lines equal up to whitespace anchor the
 * map (longest common subsequence), and a line between two anchors (a statement whose types were
 * erased) takes the cell line at the same distance after the anchor before it.
 * A line outside the emitted text maps to undefined.
 */
export function cellLineMap(cellSource: string, emitted: string): (emittedLine: number) => number | undefined {
  const cell = cellSource.split('\n').map(lineKey);
  const emittedLines = emitted.split('\n');
  const out = emittedLines.map(lineKey);
  const rows = out.length + 1;
  const cols = cell.length + 1;
  // lengths[i * cols + j]: LCS length of out[i..] and cell[j..]; cells are small, so O(n·m) is fine.
  const lengths = new Uint32Array(rows * cols);
  for (let i = out.length - 1; i >= 0; i--) {
    for (let j = cell.length - 1; j >= 0; j--) {
      lengths[i * cols + j] = out[i] !== '' && out[i] === cell[j]
        ? lengths[(i + 1) * cols + j + 1]! + 1
        : Math.max(lengths[(i + 1) * cols + j]!, lengths[i * cols + j + 1]!);
    }
  }
  const anchors = new Map<number, number>(); // emitted index -> cell index
  for (let i = 0, j = 0; i < out.length && j < cell.length;) {
    if (out[i] !== '' && out[i] === cell[j]) anchors.set(i++, j++);
    else if (lengths[(i + 1) * cols + j]! >= lengths[i * cols + j + 1]!) i++;
    else j++;
  }
  // The k-th real emitted line after an anchor is the k-th non-blank cell line after it: the
  // compiler drops blank lines and adds `exports.x = x;` bookkeeping, and neither has a cell line.
  const nonBlankCellLines = cell.flatMap((key, index) => (key === '' ? [] : [index]));
  const cellLineOf: number[] = [];
  let anchorCell = -1;
  let sinceAnchor = 0;
  for (let i = 0; i < out.length; i++) {
    const anchored = anchors.get(i);
    if (anchored !== undefined) {
      anchorCell = anchored;
      sinceAnchor = 0;
    } else if (!isBookkeeping(emittedLines[i]!)) {
      sinceAnchor++;
    }
    const following = nonBlankCellLines.filter((index) => index > anchorCell);
    const line = sinceAnchor === 0 ? anchorCell : (following[sinceAnchor - 1] ?? following.at(-1) ?? anchorCell);
    cellLineOf.push(Math.max(0, line));
  }
  // Lines past the emitted text are tslab's wrapper around it, not cell code.
  return (emittedLine) => {
    const line = cellLineOf[emittedLine - 1];
    return line === undefined ? undefined : line + 1;
  };
}

/** Lines tslab adds to keep cell variables across cells, which no cell line produced. */
function isBookkeeping(line: string): boolean {
  return /^\s*(Object\.defineProperty\(exports, "__esModule"|exports\.[\w$]+ = )/.test(line);
}
