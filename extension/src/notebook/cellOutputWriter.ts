import * as vscode from 'vscode';
import type { MimeBundle } from '../../../kernel/src/display/display';
import type { CellOutput } from '../../../kernel/src/notebookKernel/kernelProtocol';
import { errorOutputOf, outputItemsOf } from './outputItems';

/**
 * Live displays (a progress bar) may update many times a second; each replacement re-renders the
 * output in the webview, so updates of one display are coalesced to one per interval.
 */
const DISPLAY_UPDATE_INTERVAL_MS = 150;

/**
 * VS Code gives every output an id at runtime (a renderer's `OutputItem.id` is it) without
 * declaring it in the stable API.
 */
type RuntimeCellOutput = vscode.NotebookCellOutput & { readonly id?: string };

interface TrackedDisplay {
  output: vscode.NotebookCellOutput;
  /** The data the output shows now, serialised: an update with the same data changes nothing. */
  shown: string;
  pending?: MimeBundle;
}

/**
 * Writes one cell execution's kernel outputs into the cell: streams grow the last output of the same
 * stream in place (appending an item, not rewriting the text so far), displays with an id can be
 * replaced later, errors become error outputs. Everything is serialised on one promise chain so
 * outputs land in the order the kernel sent them.
 */
export class CellOutputWriter {
  private writes: Thenable<unknown> = Promise.resolve();
  private lastStream?: { name: 'stdout' | 'stderr'; output: vscode.NotebookCellOutput };
  private readonly displays = new Map<string, TrackedDisplay>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly execution: vscode.NotebookCellExecution,
    /** Told about each display output that has an id (the keyframe grid's paging needs the pairing). */
    private readonly onDisplayCreated: (outputId: string, displayId: string) => void,
  ) {}

  write(output: CellOutput): void {
    switch (output.kind) {
      case 'stream':
        this.writeStream(output.name, output.text);
        break;
      case 'display':
        this.writeDisplay(output.data, output.displayId);
        break;
      case 'updateDisplay':
        this.updateDisplay(output.displayId, output.data);
        break;
      case 'error':
        this.lastStream = undefined;
        this.enqueue(() => this.execution.appendOutput(errorOutputOf(output)));
        break;
    }
  }

  /** Sends what is pending and waits until every output is in the cell. */
  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushDisplays();
    await this.writes;
  }

  private enqueue(write: () => Thenable<void>): void {
    this.writes = this.writes.then(write, write);
  }

  private writeStream(name: 'stdout' | 'stderr', text: string): void {
    const item = name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
    const last = this.lastStream;
    if (last?.name === name) {
      this.enqueue(() => this.execution.appendOutputItems(item, last.output));
      return;
    }
    const output = new vscode.NotebookCellOutput([item]);
    this.lastStream = { name, output };
    this.enqueue(() => this.execution.appendOutput(output));
  }

  private writeDisplay(data: MimeBundle, displayId: string | undefined): void {
    this.lastStream = undefined;
    const output = new vscode.NotebookCellOutput(outputItemsOf(data), displayId ? { displayId } : undefined);
    if (displayId) {
      this.displays.set(displayId, { output, shown: JSON.stringify(data) });
      const { id } = output as RuntimeCellOutput;
      if (id) this.onDisplayCreated(id, displayId);
    }
    this.enqueue(() => this.execution.appendOutput(output));
  }

  private updateDisplay(displayId: string, data: MimeBundle): void {
    const display = this.displays.get(displayId);
    // A display of an earlier cell: VS Code lets an execution change only its own cell's outputs.
    if (!display) return;
    display.pending = data;
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flushDisplays();
    }, DISPLAY_UPDATE_INTERVAL_MS);
  }

  private flushDisplays(): void {
    for (const display of this.displays.values()) {
      if (!display.pending) continue;
      const shown = JSON.stringify(display.pending);
      const items = outputItemsOf(display.pending);
      display.pending = undefined;
      if (shown === display.shown) continue;
      display.shown = shown;
      this.enqueue(() => this.execution.replaceOutputItems(items, display.output));
    }
  }
}
