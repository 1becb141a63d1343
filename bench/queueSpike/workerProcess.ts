/**
 * A worker process for the queue measurements: it takes jobs from one queue and reports each on
 * stdout (a JSON line). In `hang` mode it never finishes one, so that the parent can SIGKILL it
 * mid-job; in `complete` mode it finishes them; `complete-unlistened` too, with no 'error' listener
 * (does an outage of Redis then end the process?).
 * Arguments: port queueName lockDuration stalledInterval maxStalledCount mode
 */
import { Worker } from 'bullmq';

export type WorkerMode = 'hang' | 'complete' | 'complete-unlistened';

export interface WorkerReport {
  event: 'ready' | 'active' | 'completed' | 'failed' | 'error';
  jobId?: string;
  attemptsStarted?: number;
  stalledCounter?: number;
  reason?: string;
  at: number;
}

const report = (line: Omit<WorkerReport, 'at'>) => process.stdout.write(`${JSON.stringify({ ...line, at: Date.now() })}\n`);

function main(): void {
  const [port, queueName, lockDuration, stalledInterval, maxStalledCount, mode] = process.argv.slice(2) as [string, string, string, string, string, WorkerMode];
  const worker = new Worker(
    queueName,
    async (job) => {
      report({ event: 'active', jobId: job.id, attemptsStarted: job.attemptsStarted, stalledCounter: job.stalledCounter });
      if (mode === 'hang') await new Promise<never>(() => undefined);
      return 'done';
    },
    {
      connection: { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null },
      lockDuration: Number(lockDuration),
      stalledInterval: Number(stalledInterval),
      maxStalledCount: Number(maxStalledCount),
    },
  );
  worker.on('ready', () => report({ event: 'ready' }));
  worker.on('completed', (job) => report({ event: 'completed', jobId: job.id }));
  worker.on('failed', (job, error) => report({ event: 'failed', jobId: job?.id, reason: error.message, stalledCounter: job?.stalledCounter }));
  if (mode !== 'complete-unlistened') worker.on('error', (error) => report({ event: 'error', reason: error.message }));
}

main();
