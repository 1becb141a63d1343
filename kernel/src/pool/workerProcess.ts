import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { SourceSettings } from '../decode/sourceOptions';
import { decodeWorkerScript } from '../worker/workerEntryPath';
import type { FromWorker, ToWorker, WorkerReport, WorkerStartOptions } from '../worker/workerProtocol';
import { howProcessEnded } from '../processes';

/** How many of a worker's last stderr lines a crash report quotes. */
const STDERR_LINES_KEPT = 12;

/** Why a worker process ended, in words a record can carry. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string[]): string {
  const tail = stderrTail.length ? `; last stderr: ${stderrTail.join(' | ')}` : '';
  return `decoding worker ${howProcessEnded(code, signal)}${tail}`;
}

/** One decoding worker process: spawn, messages, last stderr lines, exit. */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private readonly stderrTail: string[] = [];
  private partialLine = '';
  readonly ready: Promise<void>;
  /** Settles when the process has exited, with the reason. */
  readonly exited: Promise<string>;
  private exitReason?: string;
  private readonly exitEvents = new EventEmitter<{ exit: [string] }>();

  constructor(
    readonly workerId: number,
    settings: SourceSettings,
    onMessage: (message: WorkerReport) => void,
  ) {
    const start: WorkerStartOptions = { settings };
    this.child = fork(decodeWorkerScript, [JSON.stringify(start)], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // The parent may run under a debugger or a loader; the worker needs neither.
      execArgv: [],
      // Its own process group, so that killing the worker also ends the programs it started (ffmpeg).
      detached: process.platform !== 'win32',
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => this.keepStderr(chunk));
    this.exited = new Promise((resolve) => {
      const ended = (reason: string) => {
        this.exitReason ??= reason;
        resolve(this.exitReason);
        this.exitEvents.emit('exit', this.exitReason);
      };
      this.child.once('exit', (code, signal) => ended(describeExit(code, signal, this.stderrTail)));
      this.child.once('error', (error) => ended(`decoding worker could not start: ${error.message}`));
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve();
        else onMessage(message);
      });
      void this.exited.then((reason) => reject(new Error(reason)));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  /**
   * The process's end, watched for one job. `release` drops the watch: a reaction left on the
   * long-lived `exited` promise per job would pile up over a million-row run.
   */
  watchExit(): { exited: Promise<string>; release: () => void } {
    if (this.exitReason !== undefined) return { exited: Promise.resolve(this.exitReason), release: () => undefined };
    let listener!: (reason: string) => void;
    const exited = new Promise<string>((resolve) => {
      listener = resolve;
      this.exitEvents.once('exit', listener);
    });
    return { exited, release: () => this.exitEvents.off('exit', listener) };
  }

  send(message: ToWorker): void {
    if (this.alive && this.child.connected) this.child.send(message);
  }

  /**
   * Ends the process at once, with the programs it started (its process group): a decode stuck in
   * native code, or an ffmpeg that hangs, cannot be asked politely.
   */
  kill(): Promise<string> {
    if (this.alive) {
      try {
        if (process.platform === 'win32' || this.child.pid === undefined) throw new Error('no process groups');
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }
    return this.exited;
  }

  private keepStderr(chunk: string): void {
    const lines = (this.partialLine + chunk).split(/\r?\n/);
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      this.stderrTail.push(line.trim());
      if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.shift();
    }
  }
}
