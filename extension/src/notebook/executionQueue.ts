import type * as vscode from 'vscode';

/** How a cell's run ended: only `ok` lets the cells queued behind it run. */
export type CellRunOutcome = 'ok' | 'failed';

/**
 * One notebook's cells, run one at a time in the order they were queued. A cell that fails (an
 * error, an interrupt, a dead kernel) ends the cells queued behind it unrun, as in Jupyter: they
 * were written assuming it worked.
 */
export class ExecutionQueue {
  private readonly waiting: vscode.NotebookCellExecution[] = [];
  private draining?: Promise<void>;

  constructor(private readonly runCell: (execution: vscode.NotebookCellExecution) => Promise<CellRunOutcome>) {}

  enqueue(executions: readonly vscode.NotebookCellExecution[]): Promise<void> {
    for (const execution of executions) {
      this.waiting.push(execution);
      // Cancelling a queued cell (its stop button) takes it out of the queue.
      execution.token.onCancellationRequested(() => this.endUnrun(execution));
    }
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** Ends every cell still waiting, unrun (an interrupt, a restart, the notebook closing). */
  cancelWaiting(): void {
    for (const execution of [...this.waiting]) this.endUnrun(execution);
  }

  private async drain(): Promise<void> {
    for (let execution = this.waiting.shift(); execution; execution = this.waiting.shift()) {
      if ((await this.runCell(execution)) === 'failed') this.cancelWaiting();
    }
  }

  private endUnrun(execution: vscode.NotebookCellExecution): void {
    const index = this.waiting.indexOf(execution);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    // An execution must start before it ends; without a time and a success flag it shows as never run.
    execution.start();
    execution.end(undefined);
  }
}
