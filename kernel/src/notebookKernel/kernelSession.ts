import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import {
  DEFAULT_INTERRUPT_GRACE_MS,
  type CellOutput, type CompletionResult, type ExecutionResult, type HostMessage, type HoverResult, type JobReport, type KernelMessage,
  type KernelStartOptions,
} from './kernelProtocol';
import type { KeyframesPageReply, KeyframesQuery } from '../display/notebookOutputs';
import { howProcessEnded } from '../processes';
import { idCounter, PendingRequests } from '../pendingRequests';

/** Omit over each member of a union (the built-in Omit merges the members first). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The kernel's script: beside this module in the compiled tree and in the bundle (dist/). */
export const kernelProcessScript = path.join(__dirname, 'kernelProcess.js');

/** tslab's type checker takes a second or two to start; a kernel not ready by then is broken. */
const READY_TIMEOUT_MS = 60_000;
/** stderr lines kept to explain a kernel's death. */
const STDERR_LINES_KEPT = 20;

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the user reads: how it ended and the kernel's last stderr lines. */
  reason: string;
}

export class KernelDiedError extends Error {
  constructor(readonly exit: KernelExit) {
    super(exit.reason);
    this.name = 'KernelDiedError';
  }
}

/** What an interrupt did: the cell stopped, the kernel had to be restarted (state lost), or nothing ran. */
export type InterruptOutcome = 'interrupted' | 'restarted' | 'idle';

export interface KernelSessionEvents {
  /** The kernel process ended without being asked to (a crash, `process.exit` in a cell, out of memory). */
  exit: [KernelExit];
  /** A processing run in a cell started, progressed or finished. */
  job: [JobReport];
}

interface RunningCell {
  onOutput: (output: CellOutput) => void;
  /** Resolves when the cell ends, however it ends. */
  settled: Promise<unknown>;
}

export interface KernelSessionOptions extends KernelStartOptions {
  /** Extra environment for the kernel process (e.g. FFMPEG_PATH). */
  env?: NodeJS.ProcessEnv;
  /** The kernel's JavaScript heap limit in MiB (default: Node's); a cell past it ends the kernel, not the host. */
  maxHeapMb?: number;
}

/**
 * The host's handle on one notebook's kernel process: runs cells, interrupts, restarts, answers
 * completions. A kernel that dies (whatever a cell did) only rejects the calls in flight and emits
 * `exit`; `restart()` starts a fresh one.
 */
export class KernelSession extends EventEmitter<KernelSessionEvents> {
  private child: ChildProcess | undefined;
  private readonly requestIds = idCounter();
  private readonly executions = new PendingRequests<ExecutionResult, RunningCell>(this.requestIds);
  private readonly queries = new PendingRequests<KernelMessage>(this.requestIds);
  private stderrTail: string[] = [];
  private expectedExit = false;
  /** Why the host itself is ending the kernel, for the calls it rejects. */
  private stopReason: string | undefined;

  constructor(private readonly options: KernelSessionOptions) {
    super();
  }

  get alive(): boolean {
    return this.child !== undefined;
  }

  /** The kernel process's id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the kernel process and waits until its type checker is ready. */
  async start(): Promise<Record<string, string>> {
    if (this.child) throw new Error('the kernel is already running');
    const { notebookPath, settings, interruptGraceMs } = this.options;
    const child = fork(kernelProcessScript, [JSON.stringify({ notebookPath, settings, interruptGraceMs } satisfies KernelStartOptions)], {
      cwd: path.dirname(path.resolve(notebookPath)),
      env: { ...process.env, ...this.options.env },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: this.options.maxHeapMb ? [`--max-old-space-size=${this.options.maxHeapMb}`] : [],
    });
    this.child = child;
    this.expectedExit = false;
    this.stopReason = undefined;
    this.stderrTail = [];
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail = [...this.stderrTail, ...text.split('\n').filter((line) => line.trim() !== '')].slice(-STDERR_LINES_KEPT);
    });
    const ready = new Promise<Record<string, string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the kernel did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      child.on('message', (message: KernelMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message.versions);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new KernelDiedError(this.describeExit(code, signal)));
      });
    });
    child.on('message', (message: KernelMessage) => this.receive(message));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    try {
      return await ready;
    } catch (error) {
      this.kill();
      throw error;
    }
  }

  /** Runs a cell; `onOutput` receives its outputs in order. Cells queue in the kernel. */
  execute(code: string, onOutput: (output: CellOutput) => void): Promise<ExecutionResult> {
    let settle = (): void => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const { id: requestId, answer } = this.executions.open({ onOutput, settled });
    this.post({ type: 'execute', requestId, code }, (error) => this.executions.reject(requestId, error));
    return answer.finally(settle);
  }

  /**
   * Interrupts the running cell (SIGINT). A cell awaiting work (a processing run, a timer) stops
   * at once and its runs save their checkpoints; a cell stuck in synchronous code that SIGINT
   * cannot break gets `graceMs`, then the kernel is restarted and `'restarted'` says so.
   */
  async interrupt(graceMs = this.options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS): Promise<InterruptOutcome> {
    const child = this.child;
    if (!child || this.executions.size === 0) return 'idle';
    const [running] = this.executions.extras();
    let timer: NodeJS.Timeout | undefined;
    const ended = Promise.race([
      running!.settled.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]).finally(() => clearTimeout(timer));
    child.kill('SIGINT');
    if (await ended) return 'interrupted';
    this.stopReason = `The cell did not stop within ${graceMs / 1000} s of the interrupt (it runs synchronous code that SIGINT cannot break), so the kernel was restarted: variables from earlier cells are gone. Processing runs keep their checkpoints; run the cells again to resume.`;
    await this.restart();
    return 'restarted';
  }

  /** A fresh kernel: all state gone, cells in flight rejected. */
  async restart(): Promise<Record<string, string>> {
    await this.stop();
    return this.start();
  }

  complete(code: string, offset: number): Promise<CompletionResult> {
    return this.query({ type: 'complete', code, offset }).then((reply) =>
      reply.type === 'completed' ? reply.completion : { start: offset, end: offset, candidates: [] });
  }

  hover(code: string, offset: number): Promise<HoverResult | null> {
    return this.query({ type: 'hover', code, offset }).then((reply) => (reply.type === 'hovered' ? reply.hover : null));
  }

  /** A page of a keyframe grid the kernel showed, of the rows `query` matches (for the renderer's page requests); null when it no longer has it. */
  keyframesPage(displayId: string, offset: number, limit: number, query?: KeyframesQuery): Promise<Omit<KeyframesPageReply, 'type' | 'outputId'> | null> {
    return this.query({ type: 'keyframesPage', displayId, offset, limit, ...(query ? { query } : {}) }).then((reply) =>
      reply.type === 'keyframesPage' ? reply.page : null);
  }

  /** Ends the kernel process (and so its workers); calls in flight are rejected. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.expectedExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send({ type: 'shutdown' } satisfies HostMessage);
    const forced = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(forced);
  }

  dispose(): void {
    this.expectedExit = true;
    this.kill();
  }

  private kill(): void {
    this.child?.kill('SIGKILL');
  }

  private query(message: DistributiveOmit<Extract<HostMessage, { requestId: number }>, 'requestId'>): Promise<KernelMessage> {
    const { id: requestId, answer } = this.queries.open(undefined);
    this.post({ ...message, requestId } as HostMessage, (error) => this.queries.reject(requestId, error));
    return answer;
  }

  private post(message: HostMessage, reject: (error: Error) => void): void {
    const child = this.child;
    if (!child?.connected) {
      reject(new KernelDiedError({ code: null, signal: null, reason: 'the kernel is not running' }));
      return;
    }
    child.send(message);
  }

  private receive(message: KernelMessage): void {
    switch (message.type) {
      case 'output':
        this.executions.extraOf(message.requestId)?.onOutput(message.output);
        break;
      case 'executed': {
        this.executions.resolve(message.requestId, message.result);
        break;
      }
      case 'job':
        this.emit('job', message.job);
        break;
      case 'ready':
        break; // start() waits for it with a listener of its own
      default: {
        this.queries.resolve(message.requestId, message);
      }
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    const exit = this.describeExit(code, signal);
    const error = new KernelDiedError(exit);
    this.executions.rejectAll(error);
    this.queries.rejectAll(error);
    if (!this.expectedExit) this.emit('exit', exit);
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): KernelExit {
    if (this.stopReason) return { code, signal, reason: this.stopReason };
    const tail = this.stderrTail.length ? `\n${this.stderrTail.join('\n')}` : '';
    return { code, signal, reason: `The kernel ${howProcessEnded(code, signal)}.${tail}` };
  }
}
