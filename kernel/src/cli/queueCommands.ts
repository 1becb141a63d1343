import { hostName } from '../cluster/hostIdentity';
import { DEFAULT_CHUNK_ROWS, DEFAULT_LOCK_SECONDS, DEFAULT_QUEUE } from '../cluster/queue/queueDefaults';
import { DEFAULT_WORKERS_TEXT } from '../processingDefaults';
import { jobCommandOf, parseCommandLine, PROCESS_COMMAND, wholeNumber, type ProcessCommand } from './cliArguments';
import { UsageError, type CommandSpec, type FlagSpec } from './cliFlags';
import { EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_INTERRUPTED, EXIT_OK } from './exitCodes';

const REDIS_FLAG: FlagSpec = { name: 'redis', value: 'URL', description: 'The Redis the queue lives on, e.g. redis://127.0.0.1:6379 (required)' };
const QUEUE_FLAG: FlagSpec = { name: 'queue', value: 'NAME', description: 'The queue\'s name', defaultText: DEFAULT_QUEUE };
/** `process`'s flags that describe the job itself, not one machine's run of it. */
const JOB_FLAG_NAMES = ['video-col', 'id-col', 'fn', 'num-frames', 'min-frames', 'max-frames', 'fps', 'threshold', 'max-scenes', 'size', 'width', 'height', 'fit', 'interpolation', 'no-autorotate', 'out', 'format', 'tar-max-mb', 'tar-max-samples', 'device', 'gpus', 'backend', 'ffmpeg', 'save-interval', 'timeout'];

export const SUBMIT_COMMAND: CommandSpec = {
  name: 'submit',
  positionals: '<csv>',
  summary: 'Puts a job on a BullMQ queue on Redis, in chunks of rows that workers on any number of machines take; with --wait, shows their progress and merges.',
  flags: [
    REDIS_FLAG,
    QUEUE_FLAG,
    ...PROCESS_COMMAND.flags.filter((flag) => JOB_FLAG_NAMES.includes(flag.name)),
    { name: 'chunk-rows', value: 'N', description: 'Rows a chunk of the queue holds', defaultText: String(DEFAULT_CHUNK_ROWS) },
    { name: 'wait', description: 'Show the progress of every machine until every row is settled, then merge the results into DIR', defaultText: 'off' },
  ],
  details: [
    '--out DIR is required and must be a folder every worker machine reaches (shared storage): the chunks',
    'are committed there, and `merge DIR` joins them. Submitting the same job again adds nothing.',
    '',
    'Exit codes:',
    `  ${EXIT_OK}    submitted (with --wait: finished and merged)`,
    `  ${EXIT_ENVIRONMENT}    Redis or the folder failed, or a chunk failed every attempt (named)`,
    `  ${EXIT_BAD_INPUT}    unusable input: a missing file or column, a bad flag, a folder holding another job`,
    `  ${EXIT_INTERRUPTED}  --wait interrupted: the job goes on on its workers; submit --wait again to watch it`,
  ],
};

export const WORKER_COMMAND: CommandSpec = {
  name: 'worker',
  positionals: '',
  summary: 'Takes chunks of queued jobs from Redis and processes them into their jobs\' folders, one chunk at a time, until stopped.',
  flags: [
    REDIS_FLAG,
    QUEUE_FLAG,
    { name: 'workers', value: 'N', description: 'Decoding worker processes on this machine', defaultText: DEFAULT_WORKERS_TEXT },
    { name: 'exit-when-idle', description: 'Exit once the queue has nothing waiting or running anywhere (started before any job is submitted, it waits 30 s for one)', defaultText: 'off' },
    { name: 'lock-seconds', value: 'S', description: 'A chunk of a worker that stopped answering goes to another after this long', defaultText: String(DEFAULT_LOCK_SECONDS) },
  ],
  details: [
    `This machine calls itself ${hostName()} in progress and locks (set VBK_HOST to change it).`,
    'A worker killed at any moment loses nothing: its chunk goes to another worker, which resumes it video',
    'by video, and a chunk is committed once.',
    '',
    'Exit codes:',
    `  ${EXIT_OK}    stopped when idle (--exit-when-idle)`,
    `  ${EXIT_ENVIRONMENT}    Redis or the job's folder failed`,
    `  ${EXIT_BAD_INPUT}    a bad flag`,
    `  ${EXIT_INTERRUPTED}  interrupted (Ctrl-C, SIGTERM): its chunk goes back to the queue with its checkpoint`,
  ],
};

export interface SubmitCommand {
  job: ProcessCommand & { outputDir: string };
  redis: string;
  queue: string;
  chunkRows: number;
  wait: boolean;
}

export interface WorkerCommand {
  redis: string;
  queue: string;
  workers?: number;
  exitWhenIdle: boolean;
  lockSeconds: number;
}

function redisOf(values: Record<string, string | boolean | undefined>): string {
  const redis = values.redis;
  if (typeof redis !== 'string' || !redis) throw new UsageError('--redis URL is required: the Redis the queue lives on, e.g. redis://127.0.0.1:6379');
  return redis;
}

export function parseSubmitArguments(argv: string[]): SubmitCommand | 'help' {
  const line = parseCommandLine(SUBMIT_COMMAND, argv);
  if (line === 'help') return 'help';
  const job = jobCommandOf('submit', line);
  if (job.outputDir === undefined) throw new UsageError('--out DIR is required: the folder on shared storage every worker writes the job into');
  const chunkRows = line.values['chunk-rows'] as string | undefined;
  return {
    job: { ...job, outputDir: job.outputDir },
    redis: redisOf(line.values),
    queue: (line.values.queue as string | undefined) ?? DEFAULT_QUEUE,
    chunkRows: chunkRows === undefined ? DEFAULT_CHUNK_ROWS : wholeNumber('chunk-rows', chunkRows, 1),
    wait: line.values.wait === true,
  };
}

export function parseWorkerArguments(argv: string[]): WorkerCommand | 'help' {
  const line = parseCommandLine(WORKER_COMMAND, argv);
  if (line === 'help') return 'help';
  if (line.positionals.length) throw new UsageError(`worker takes no arguments, got: ${line.positionals.join(' ')}`);
  const text = (name: string) => line.values[name] as string | undefined;
  return {
    redis: redisOf(line.values),
    queue: text('queue') ?? DEFAULT_QUEUE,
    ...(text('workers') === undefined ? {} : { workers: wholeNumber('workers', text('workers')!, 1) }),
    exitWhenIdle: line.values['exit-when-idle'] === true,
    lockSeconds: text('lock-seconds') === undefined ? DEFAULT_LOCK_SECONDS : wholeNumber('lock-seconds', text('lock-seconds')!, 1),
  };
}
