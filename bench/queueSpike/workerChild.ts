/** A worker process (workerProcess.js) driven from the measurements: its reports, its stderr, its end. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { RedisServer } from '../../test/queue/redisServer';
import { sleep } from './spikeRedis';
import type { WorkerMode, WorkerReport } from './workerProcess';

export interface WorkerChild {
  child: ChildProcess;
  /** Lines the process wrote to stderr (what BullMQ prints of an 'error' nobody listens to). */
  stderr: string[];
  /** The next report of one of these kinds, skipping others. */
  next(events: WorkerReport['event'][], timeoutMs: number): Promise<WorkerReport>;
}

/** `settings`: lockDuration, stalledInterval, maxStalledCount. */
export function startWorkerChild(server: RedisServer, queue: string, settings: number[], mode: WorkerMode): WorkerChild {
  const script = path.join(__dirname, 'workerProcess.js');
  const child = spawn(process.execPath, [script, String(server.port), queue, ...settings.map(String), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const reports: WorkerReport[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) reports.push(JSON.parse(line) as WorkerReport);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const next = async (events: WorkerReport['event'][], timeoutMs: number): Promise<WorkerReport> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = reports.findIndex((report) => events.includes(report.event));
      if (index >= 0) return reports.splice(0, index + 1)[index];
      if (Date.now() > deadline) throw new Error(`worker process: no ${events.join('/')} within ${timeoutMs} ms; stderr:\n${stderr.join('\n')}`);
      await sleep(20);
    }
  };
  return { child, stderr, next };
}

export async function killAndReap(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
