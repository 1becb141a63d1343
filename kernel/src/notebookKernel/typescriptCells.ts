import { formatWithOptions } from 'node:util';
import * as ts from '@tslab/typescript-for-tslab';
import { createConverter, type Converter } from 'tslab/dist/converter';
import { createExecutor, type Executor } from 'tslab/dist/executor';
import { cellLineMap } from './cellLineMap';
import type { CompletionResult, ErrorOutput, HoverResult } from './kernelProtocol';

export interface CellRun {
  ok: boolean;
  /** The cell was stopped by SIGINT while running synchronously. */
  interruptedSynchronously: boolean;
  errors: ErrorOutput[];
}

/** Where the values a cell prints go (its last expression, `console.log` inside tslab). */
export type PrintValue = (text: string) => void;

/** How Node's message begins when `breakOnSigint` stops a script. */
const SIGINT_MESSAGE = 'Script execution was interrupted';
/** Stack frames of cell code, which tslab runs through `vm` without a file name. */
const CELL_FRAME = /evalmachine\.<anonymous>:(\d+):(\d+)/;

function isDiagnosticCall(args: unknown[]): boolean {
  return args[0] === '%s%d:%d - %s' && args.length === 5;
}

/**
 * TypeScript cells through tslab's converter (type-checks with earlier cells' declarations in
 * scope) and executor (runs with state kept across cells, top-level await). tslab reports errors
 * by printing; the console it is given turns those prints back into structured errors with
 * positions in the cell's own lines.
 */
export class TypeScriptCells {
  private readonly executor: Executor;
  private errors: ErrorOutput[] = [];
  private lineOf: (emittedLine: number) => number | undefined = (line) => line;
  private interruptedSynchronously = false;

  constructor(notebookFolder: string, print: PrintValue) {
    const node = createConverter();
    const browser = lazyBrowserConverter();
    const tracked: Converter = {
      ...node,
      convert: (previousDeclarations, source) => {
        const converted = node.convert(previousDeclarations, source);
        if (converted.output) this.lineOf = cellLineMap(source, converted.output);
        return converted;
      },
    };
    this.executor = createExecutor(notebookFolder, { node: tracked, browser, close: () => (node.close(), browser.close()) }, {
      log: (...args: unknown[]) => print(formatWithOptions({ colors: false }, ...args)),
      error: (...args: unknown[]) => this.collectError(args),
    });
  }

  async run(code: string): Promise<CellRun> {
    this.errors = [];
    this.interruptedSynchronously = false;
    this.lineOf = (line) => line;
    const ok = await this.executor.execute(code);
    return { ok, interruptedSynchronously: this.interruptedSynchronously, errors: this.errors };
  }

  /** Ends the awaiting of a running cell's top-level promise (the promise's work goes on). */
  stopAwaiting(): void {
    this.executor.interrupt();
  }

  complete(code: string, offset: number): CompletionResult {
    const { start, end, candidates } = this.executor.complete(code, offset);
    return { start, end, candidates };
  }

  hover(code: string, offset: number): HoverResult | null {
    const info = this.executor.inspect(code, offset);
    if (!info) return null;
    return {
      start: info.textSpan.start,
      end: info.textSpan.start + info.textSpan.length,
      signature: ts.displayPartsToString(info.displayParts),
      documentation: ts.displayPartsToString(info.documentation),
    };
  }

  close(): void {
    this.executor.close();
  }

  private collectError(args: unknown[]): void {
    if (isDiagnosticCall(args)) {
      const [, file, line, column, message] = args as [string, string, number, number, string];
      this.errors.push({
        kind: 'error',
        name: 'TypeScriptError',
        message: `${file ? `${file} ` : ''}${line}:${column} - ${message}`,
        ...(file ? {} : { position: { line, column } }),
      });
      return;
    }
    const [thrown] = args;
    if (thrown instanceof Error && thrown.message.startsWith(SIGINT_MESSAGE)) this.interruptedSynchronously = true;
    this.errors.push(this.runtimeError(thrown));
  }

  private runtimeError(thrown: unknown): ErrorOutput {
    if (!(thrown instanceof Error)) return { kind: 'error', name: 'Error', message: `thrown: ${formatWithOptions({ colors: false }, thrown)}` };
    const frames = (thrown.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
    let position: ErrorOutput['position'];
    const cellFrames = frames.flatMap((frame) => {
      const match = frame.match(CELL_FRAME);
      if (!match) return isKernelFrame(frame) ? [] : [frame];
      const line = this.lineOf(Number(match[1]));
      if (line === undefined) return [];
      position ??= { line, column: 1 };
      return [frame.replace(CELL_FRAME, `cell:${line}`)];
    });
    const heading = `${thrown.name}: ${thrown.message}`;
    return { kind: 'error', name: thrown.name, message: thrown.message, stack: [heading, ...cellFrames].join('\n'), ...(position ? { position } : {}) };
  }
}

/** Frames of Node's `vm`, of tslab and of this kernel (its folder, or the bundle it is in): noise to the cell's author. */
function isKernelFrame(frame: string): boolean {
  return /\(node:|at node:|tslab[\\/]dist/.test(frame) || frame.includes(__dirname);
}

/**
 * tslab's converter for `//%browser` cells, created on first use: each converter costs a second or
 * more to start, and most notebooks never have such a cell.
 */
function lazyBrowserConverter(): Converter {
  let converter: Converter | undefined;
  const get = (): Converter => (converter ??= createConverter({ isBrowser: true }));
  return {
    convert: (declarations, source) => get().convert(declarations, source),
    inspect: (declarations, source, position) => get().inspect(declarations, source, position),
    complete: (declarations, source, position) => get().complete(declarations, source, position),
    addModule: (name, content, meta) => get().addModule(name, content, meta),
    close: () => converter?.close(),
  };
}
