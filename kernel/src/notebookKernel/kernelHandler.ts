/**
 * The notebook kernel's logic, apart from its transport: it takes the host's messages and answers
 * through `send`, runs cells one at a time, and turns an interrupt into stopped runs and a cell that
 * says what was saved. kernelProcess.ts only moves messages and signals to and from it, so this
 * runs (and is tested) in any process.
 */
import { keyframeGridPage } from '../display/display';
import type { GridRecords } from '../display/gridRecords';
import { errorText } from '../errorText';
import type { CompletionResult, ErrorOutput, ExecutionStatus, HostMessage, HoverResult, KernelMessage } from './kernelProtocol';
import { interruptedMessage, type InterruptedRun } from './interruptedMessage';
import type { ActiveRun } from './notebookRunEnvironment';
import type { CellRun } from './typescriptCells';

/** What runs the cells: tslab's converter and executor (TypeScriptCells), or anything alike. */
export interface CellRunner {
  run(code: string): Promise<CellRun>;
  stopAwaiting(): void;
  complete(code: string, offset: number): CompletionResult;
  hover(code: string, offset: number): HoverResult | null;
  close(): void;
}

export interface KernelHandlerParts {
  cells: CellRunner;
  send(message: KernelMessage): void;
  /** Sends the cell's buffered stream text, so that it comes before what follows. */
  flushStreams(): void;
  /** The runs in progress now (the notebook's run environment). */
  activeRuns(): Iterable<ActiveRun>;
  /** Keyframe grids shown with paged records, by display id. */
  pagedRecords(displayId: string): GridRecords | undefined;
  /** How long an interrupt waits for its runs to stop and save their checkpoints. */
  runStopWaitMs: number;
}

export class KernelHandler {
  /** The request whose cell runs now, or ran last (late async prints belong to it). */
  currentRequestId = 0;
  private cellAbort?: AbortController;
  private interruptRequested = false;
  private interruptedRuns: InterruptedRun[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly parts: KernelHandlerParts) {}

  /** The running cell's signal: its processing runs stop when it aborts. */
  get cellSignal(): AbortSignal | undefined {
    return this.cellAbort?.signal;
  }

  /** Handles one message; answers go through `send`. A cell's answer comes when it has run. */
  receive(message: HostMessage): void {
    const { send, cells } = this.parts;
    switch (message.type) {
      case 'execute':
        this.queue = this.queue.then(() => this.execute(message.requestId, message.code));
        break;
      case 'complete':
        send({ type: 'completed', requestId: message.requestId, completion: cells.complete(message.code, message.offset) });
        break;
      case 'hover':
        send({ type: 'hovered', requestId: message.requestId, hover: cells.hover(message.code, message.offset) });
        break;
      case 'keyframesPage': {
        const records = this.parts.pagedRecords(message.displayId);
        const page = records ? keyframeGridPage(records, { offset: message.offset, limit: message.limit, query: message.query }) : undefined;
        send({ type: 'keyframesPage', requestId: message.requestId, page: page ? { offset: page.offset, videos: page.videos, totalVideos: page.totalVideos, query: page.query } : null });
        break;
      }
      case 'shutdown':
        cells.close();
        break;
    }
  }

  /**
   * An interrupt while a cell awaits: stop its processing runs (workers end, checkpoints stay
   * valid), give them time to wind down so the cell reports their final counts, then stop awaiting.
   * (An interrupt during synchronous code never reaches here: tslab breaks the cell itself.)
   */
  interrupt(): void {
    if (!this.cellAbort) return;
    this.interruptRequested = true;
    const active = [...this.parts.activeRuns()];
    this.cellAbort.abort();
    const stopped = Promise.all(active.map((run) => run.settled));
    const waited = new Promise((resolve) => setTimeout(resolve, this.parts.runStopWaitMs).unref());
    void Promise.race([stopped, waited]).then(() => {
      this.interruptedRuns = active.map((run) => ({ checkpointPath: run.checkpointPath, ...(run.lastProgress ? { progress: run.lastProgress } : {}) }));
      this.parts.cells.stopAwaiting();
    });
  }

  private async execute(requestId: number, code: string): Promise<void> {
    const { send } = this.parts;
    this.currentRequestId = requestId;
    this.cellAbort = new AbortController();
    this.interruptRequested = false;
    const started = performance.now();
    // tslab reports a cell's own errors itself; what escapes is tslab failing, reported as the cell's error.
    const run = await this.parts.cells.run(code).catch((error: unknown) => ({
      ok: false,
      interruptedSynchronously: false,
      errors: [{ kind: 'error', name: 'KernelError', message: `the kernel could not run the cell: ${errorText(error)}` } satisfies ErrorOutput],
    }));
    this.parts.flushStreams();
    const interrupted = this.interruptRequested || run.interruptedSynchronously;
    const status: ExecutionStatus = interrupted ? 'interrupted' : run.ok ? 'ok' : 'error';
    const errors: ErrorOutput[] = interrupted ? [interruptedMessage(this.interruptedRuns)] : run.errors;
    for (const error of errors) send({ type: 'output', requestId, output: error });
    this.interruptedRuns = [];
    this.cellAbort = undefined;
    send({ type: 'executed', requestId, result: { status, durationMs: performance.now() - started } });
  }
}
