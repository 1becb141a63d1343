import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { findJobParts } from '../cluster/jobParts';
import { JobUnfinishedError, mergeJob } from '../cluster/jobMerge';
import { jobStatus, type JobStatus, type PartStatus } from '../cluster/jobStatus';
import { datasetSummary } from '../display/notebookOutputs';
import { errorText } from '../errorText';
import { InputError } from '../inputError';
import { parseArgsOptions, UsageError, type CommandSpec } from './cliFlags';
import { EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_OK, EXIT_UNFINISHED } from './exitCodes';

export const STATUS_COMMAND: CommandSpec = {
  name: 'status',
  positionals: '<dir>',
  summary: 'Shows the progress of every part of a job (shards of --shard, chunks of a queue) in its shared output folder, and of the whole job.',
  flags: [{ name: 'json', description: 'Print one JSON object instead of text', defaultText: 'off' }],
  details: [
    'A running part is one whose checkpoint lease is held; its counts are as of its last save (every',
    '--save-interval videos). A part that stopped is read from its journal, exactly.',
    '',
    'Exit codes:',
    `  ${EXIT_OK}  the status was printed (finished or not)`,
    `  ${EXIT_BAD_INPUT}  the folder holds no job`,
  ],
};

export const MERGE_COMMAND: CommandSpec = {
  name: 'merge',
  positionals: '<dir>',
  summary: "Joins a finished job's parts into <dir>/processing_results.json, .parquet and processing_stats.json: every CSV row once, in CSV order.",
  flags: [],
  details: [
    'Exit codes:',
    `  ${EXIT_OK}  merged`,
    `  ${EXIT_ENVIRONMENT}  the files could not be written (disk full, …)`,
    `  ${EXIT_BAD_INPUT}  the folder holds no job, or parts of different jobs`,
    `  ${EXIT_UNFINISHED}  some part is not finished (named): run or resume it, then merge again`,
  ],
};

/** The one folder argument, or 'help'. */
function folderArgument(spec: CommandSpec, argv: string[]): { dir: string; json: boolean } | 'help' {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: parseArgsOptions(spec) });
  if (values.help === true) return 'help';
  if (positionals.length !== 1) throw new UsageError(`${spec.name} takes the job's output folder (the --out DIR of its parts), got ${positionals.length} arguments`);
  return { dir: path.resolve(positionals[0]), json: values.json === true };
}

function partLine(part: PartStatus): string {
  const settled = part.processed + part.failed + part.skipped;
  const counts = `${settled}/${part.rows ?? '?'} (${part.processed} processed, ${part.failed} failed${part.skipped ? `, ${part.skipped} skipped` : ''})`;
  const lease = part.lease_renewed ? `, lease renewed ${part.lease_renewed}` : '';
  const who = part.host ? `${part.state === 'running' ? 'on' : 'last on'} ${part.host} pid ${part.pid}${lease}` : '';
  return `  ${part.name}  ${part.state.replace('_', ' ').padEnd(11)} ${counts}${who ? `  ${who}` : ''}`;
}

function statusText(status: JobStatus): string {
  const lines = [`job in ${status.output_dir}: ${status.parts.length} parts`, ...status.parts.map(partLine), datasetSummary(status.dataset)];
  lines.push(status.complete ? 'every part is complete: merge it with `video-batch-kernel merge DIR`' : `unfinished: ${status.unfinished.join(', ')}`);
  return lines.join('\n');
}

/** A job command's failure as the CLI reports it: the message, and the exit code its kind means. */
function failed(error: unknown): number {
  process.stderr.write(`error: ${errorText(error)}\n`);
  if (error instanceof JobUnfinishedError) return EXIT_UNFINISHED;
  return error instanceof InputError ? EXIT_BAD_INPUT : EXIT_ENVIRONMENT;
}

export async function runStatusCommand(argv: string[]): Promise<number | 'help'> {
  const args = folderArgument(STATUS_COMMAND, argv);
  if (args === 'help') return 'help';
  try {
    const status = await jobStatus(args.dir, await findJobParts(args.dir));
    process.stdout.write(`${args.json ? JSON.stringify(status, null, 2) : statusText(status)}\n`);
    return EXIT_OK;
  } catch (error) {
    return failed(error);
  }
}

export async function runMergeCommand(argv: string[]): Promise<number | 'help'> {
  const args = folderArgument(MERGE_COMMAND, argv);
  if (args === 'help') return 'help';
  try {
    const merged = await mergeJob(args.dir, await findJobParts(args.dir));
    process.stderr.write(`merged ${merged.rows} rows in ${merged.seconds.toFixed(1)} s: ${merged.files.join(', ')}\n${datasetSummary(merged.stats.dataset)}\n`);
    return EXIT_OK;
  } catch (error) {
    return failed(error);
  }
}
