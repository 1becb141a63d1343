import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompletionResult, HoverResult, JobReport } from '../../../kernel/src/notebookKernel/kernelProtocol';
import { KernelDiedError, KernelSession, type KernelExit } from '../../../kernel/src/notebookKernel/kernelSession';
import type { KeyframesPageReply, KeyframesQuery } from '../../../kernel/src/display/notebookOutputs';
import { readInterruptGraceMs, readKernelSettings } from '../settings';
import { CellOutputWriter } from './cellOutputWriter';
import { ExecutionQueue, type CellRunOutcome } from './executionQueue';
import { notebookFilePath } from './notebookPath';
import { errorOutputOf } from './outputItems';

/** A processing run of this notebook's kernel and the cell that started it. */
export interface NotebookJob {
  report: JobReport;
  cell: vscode.NotebookCell;
}

export interface NotebookSessionEvents {
  /** The kernel ended without being asked to; the session starts a fresh one on the next run. */
  onKernelDied(session: NotebookSession, exit: KernelExit): void;
  onJobChanged(session: NotebookSession): void;
}

/**
 * One notebook's kernel and cell queue. The kernel process starts on the first run, with the
 * settings of that moment; cells run in order with execution numbers and timings.
 */
export class NotebookSession implements vscode.Disposable {
  private kernel?: KernelSession;
  private starting?: Promise<KernelSession>;
  private executionOrder = 0;
  private readonly queue = new ExecutionQueue((execution) => this.run(execution));
  /** Output id -> the kernel's display id, for the keyframe grid's page requests. */
  private readonly displayIdsByOutput = new Map<string, string>();
  private runningCell?: vscode.NotebookCell;
  /** The last processing run reported by the kernel: running, or finished in this session. */
  job?: NotebookJob;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly controller: vscode.NotebookController,
    private readonly log: vscode.LogOutputChannel,
    private readonly events: NotebookSessionEvents,
  ) {}

  execute(cells: readonly vscode.NotebookCell[]): Promise<void> {
    return this.queue.enqueue(cells.map((cell) => this.controller.createNotebookCellExecution(cell)));
  }

  /** Stops the running cell (its processing runs save their checkpoints) and ends the queued ones unrun. */
  async interrupt(): Promise<void> {
    this.queue.cancelWaiting();
    const outcome = await this.kernel?.interrupt();
    if (outcome === 'restarted') {
      this.executionOrder = 0;
      this.log.warn(`${this.name}: the cell did not stop within the grace period; the kernel was restarted (its variables are gone)`);
      void vscode.window.showWarningMessage(`The cell of ${this.name} did not stop, so its kernel was restarted: run the cells above it again.`);
    } else if (outcome) {
      this.log.info(`${this.name}: interrupted`);
    }
  }

  /** A fresh kernel with the current settings: variables gone, queued cells ended unrun. */
  async restart(): Promise<void> {
    this.queue.cancelWaiting();
    this.stopKernel();
    this.executionOrder = 0;
    await this.ensureKernel();
  }

  complete(code: string, offset: number): Promise<CompletionResult> | undefined {
    return this.kernel?.alive ? this.kernel.complete(code, offset) : undefined;
  }

  hover(code: string, offset: number): Promise<HoverResult | null> | undefined {
    return this.kernel?.alive ? this.kernel.hover(code, offset) : undefined;
  }

  /** A page of a keyframe grid shown by this kernel; undefined when the kernel no longer holds it. */
  async keyframesPage(outputId: string, offset: number, limit: number, query?: KeyframesQuery): Promise<Omit<KeyframesPageReply, 'type' | 'outputId'> | undefined> {
    const displayId = this.displayIdsByOutput.get(outputId);
    if (!displayId || !this.kernel?.alive) return undefined;
    return (await this.kernel.keyframesPage(displayId, offset, limit, query)) ?? undefined;
  }

  dispose(): void {
    this.queue.cancelWaiting();
    this.stopKernel();
  }

  private get name(): string {
    return path.basename(this.notebook.uri.path);
  }

  private stopKernel(): void {
    const kernel = this.kernel;
    this.kernel = undefined;
    this.starting = undefined;
    if (kernel) void kernel.stop().catch((error: Error) => this.log.error(`${this.name}: stopping the kernel: ${error.message}`));
  }

  private ensureKernel(): Promise<KernelSession> {
    if (this.kernel?.alive) return Promise.resolve(this.kernel);
    this.starting ??= this.startKernel().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startKernel(): Promise<KernelSession> {
    const settings = readKernelSettings();
    const notebookPath = notebookFilePath(this.notebook);
    this.log.info(`${this.name}: starting a kernel for ${notebookPath} with settings ${JSON.stringify(settings)}`);
    // One grace for both sides: the kernel waits for its runs within it, the host restarts only after it.
    const kernel = new KernelSession({ notebookPath, settings, interruptGraceMs: readInterruptGraceMs() });
    kernel.on('exit', (exit) => {
      if (this.kernel !== kernel) return;
      this.kernel = undefined;
      this.log.error(`${this.name}: ${exit.reason}`);
      this.queue.cancelWaiting();
      this.events.onKernelDied(this, exit);
    });
    kernel.on('job', (report) => this.onJob(report));
    const versions = await kernel.start();
    this.log.info(`${this.name}: kernel ready (${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')})`);
    this.kernel = kernel;
    return kernel;
  }

  private onJob(report: JobReport): void {
    const cell = this.runningCell ?? this.job?.cell;
    if (!cell) return;
    if (report.phase === 'started') this.log.info(`${this.name}: processing ${report.csvPath} (checkpoint ${report.checkpointPath})`);
    if (report.phase === 'started' && report.progress.device.fallbackReason) this.log.warn(`${this.name}: decoding on the CPU: ${report.progress.device.fallbackReason}`);
    if (report.phase === 'finished') {
      const { state, processed, failed, skipped, total, message } = report.progress;
      this.log.info(`${this.name}: processing ${state}: ${processed} processed, ${failed} failed, ${skipped} skipped of ${total}${message ? ` (${message})` : ''}`);
      for (const error of report.progress.errors) this.log.warn(`${this.name}: ${error.id} (${error.video_path}): ${error.error}`);
    }
    this.job = { report, cell };
    this.events.onJobChanged(this);
  }

  private async run(execution: vscode.NotebookCellExecution): Promise<CellRunOutcome> {
    execution.executionOrder = ++this.executionOrder;
    execution.start(Date.now());
    await execution.clearOutput();
    const writer = new CellOutputWriter(execution, (outputId, displayId) => this.displayIdsByOutput.set(outputId, displayId));
    this.runningCell = execution.cell;
    try {
      const kernel = await this.ensureKernel();
      const result = await kernel.execute(execution.cell.document.getText(), (output) => writer.write(output));
      await writer.close();
      execution.end(result.status === 'ok', Date.now());
      return result.status === 'ok' ? 'ok' : 'failed';
    } catch (error) {
      await writer.close();
      const name = error instanceof KernelDiedError ? 'KernelDied' : 'KernelError';
      await execution.appendOutput(errorOutputOf({ kind: 'error', name, message: (error as Error).message }));
      execution.end(false, Date.now());
      return 'failed';
    } finally {
      this.runningCell = undefined;
    }
  }
}
