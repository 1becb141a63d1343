/**
 * A real redis-server for the queue tests, one per test or suite: on 127.0.0.1 only, at a port nobody
 * else holds, with its data (the append-only file) in a folder of its own, so that a test can kill
 * it mid-run and start it again on the same data, as a crash of the machine's Redis would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { findOnPath } from '../../kernel/src/pathLookup';

const HOST = '127.0.0.1';
/** Redis logs this (at `notice`, the level set below) once it has loaded its data and listens. */
const READY_LINE = 'Ready to accept connections';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
/** The last lines of the server's log, for the message when it does not start. */
const LOG_LINES_KEPT = 40;
/** Between finding a free port and redis-server binding it, another process may take it. */
const PORT_ATTEMPTS = 5;

/**
 * `always`: every write a client has been answered for is on disk, whatever is killed (the crash
 * tests). `everysec`: what Redis itself defaults to with AOF on; a SIGKILL of the server alone loses
 * nothing either, as the write reached the kernel before the answer, but a fsync still in flight
 * may delay one.
 */
export type AppendFsync = 'always' | 'everysec';
export type StopSignal = 'SIGTERM' | 'SIGKILL';

export interface RedisServerOptions {
  appendfsync?: AppendFsync;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Every server this process started and has not seen end, and their folders: none outlives the tests, even when they fail. */
const liveChildren = new Set<ChildProcess>();
const dataDirs = new Set<string>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vbk-redis-'));
  dataDirs.add(dir);
  return dir;
}

function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dataDirs.delete(dir);
}

/** A port free on 127.0.0.1 right now: the kernel's pick for a listener on port 0, closed again. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error(`no port from ${String(address)}`))));
    });
  });
}

function redisServerProgram(): string {
  const program = findOnPath('redis-server');
  if (!program) throw new Error('redis-server is not on PATH: the queue tests need Debian\'s redis-server (the test setup installs it as root)');
  return program;
}

/** The whole configuration on the command line (no config file): nothing on this machine changes it. */
function serverArgs(port: number, dataDir: string, appendfsync: AppendFsync): string[] {
  const settings: [string, string][] = [
    ['port', String(port)],
    ['bind', HOST],
    ['protected-mode', 'yes'],
    ['daemonize', 'no'],
    ['dir', dataDir],
    ['appendonly', 'yes'],
    ['appendfsync', appendfsync],
    // The AOF is the persistence; no RDB snapshots besides it.
    ['save', ''],
    ['loglevel', 'notice'],
    // Empty: the log goes to stdout, where the ready line is awaited.
    ['logfile', ''],
    // BullMQ needs every key kept: a queue whose job keys get evicted loses jobs.
    ['maxmemory-policy', 'noeviction'],
  ];
  return settings.flatMap(([name, value]) => [`--${name}`, value]);
}

/** Starts redis-server and resolves once it accepts connections; rejects with its last log lines when it ends first. */
function launch(port: number, dataDir: string, appendfsync: AppendFsync): Promise<Running> {
  const child = spawn(redisServerProgram(), serverArgs(port, dataDir, appendfsync), { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  // A test that forgets stop() must not keep mocha waiting forever: the exit hook above ends the server.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as Socket).unref();
  // 'exit', not 'close': a fork of the server (an AOF rewrite) may hold its pipes after it has gone.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveChildren.delete(child));
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server on ${HOST}:${port} ${why}; its last output:\n${log.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`was not ready after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    // Both streams are read to their end, also after the ready line: a server blocked on a full pipe would hang its clients.
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        log.push(line);
        if (log.length > LOG_LINES_KEPT) log.shift();
        if (!settled && line.includes(READY_LINE)) {
          settled = true;
          clearTimeout(timer);
          resolve({ child, exited });
        }
      });
    }
    child.once('error', (error) => fail(`could not be started (${error.message})`));
    // 'close': its last lines (why it ended: a port taken, a bad setting) are read by then.
    child.once('close', (code, signal) => fail(`ended before it was ready (${signal ?? `exit code ${code}`})`));
  });
}

const isPortTaken = (error: unknown): boolean => error instanceof Error && /Address already in use/i.test(error.message);

export class RedisServer {
  private running: Running | undefined;
  private lastPid = 0;
  private removed = false;

  private constructor(
    readonly port: number,
    /** Where the server keeps its append-only file; removed by stop(). */
    readonly dataDir: string,
    private readonly appendfsync: AppendFsync,
  ) {}

  /** A new server with an empty data folder, ready for connections. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(await freePort(), newDataDir(), options.appendfsync ?? 'everysec');
      try {
        await server.startAgain();
        return server;
      } catch (error) {
        removeDataDir(server.dataDir);
        if (attempt >= PORT_ATTEMPTS || !isPortTaken(error)) throw error;
      }
    }
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  /** The running server's pid; once it has ended, the pid it had (for checking that it is gone). */
  get pid(): number {
    return this.running?.child.pid ?? this.lastPid;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Shuts the server down (SIGTERM: it flushes the AOF and exits), then removes its data folder. */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
    this.removed = true;
    removeDataDir(this.dataDir);
  }

  /** SIGKILLs the server, as a crash would; its data folder stays for restart(). */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /**
   * Ends the server with `signal` (when it runs) and starts it again on the same port and data
   * folder: it replays its append-only file before it reports ready.
   */
  async restart(signal: StopSignal = 'SIGTERM'): Promise<void> {
    await this.end(signal);
    await this.startAgain();
  }

  private async startAgain(): Promise<void> {
    if (this.removed) throw new Error(`redis-server on port ${this.port} was stopped and its data removed; start a new one`);
    this.running = await launch(this.port, this.dataDir, this.appendfsync);
    this.lastPid = this.running.child.pid ?? 0;
  }

  /** Signals the server by its pid and waits until it has exited; SIGKILL and an error when SIGTERM is not enough. */
  private async end(signal: StopSignal): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    process.kill(this.lastPid, signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)));
    const late = await Promise.race([running.exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      running.child.kill('SIGKILL');
      await running.exited;
      throw new Error(`redis-server (pid ${this.lastPid}) had not exited ${STOP_TIMEOUT_MS} ms after ${signal}; it was killed`);
    }
  }
}
