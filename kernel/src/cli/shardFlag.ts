import { UsageError } from './cliFlags';

export interface ShardChoice {
  index: number;
  count: number;
}

type Environment = Record<string, string | undefined>;

function wholeNumber(text: string | undefined, what: string, min: number): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < min) throw new UsageError(`${what} must be a whole number >= ${min}, got '${text ?? ''}'`);
  return value;
}

/**
 * A Slurm array task's shard. Array ids need not start at 0 (`--array=1-64`): the index counts from
 * SLURM_ARRAY_TASK_MIN. Ids with gaps (`--array=0,4,8` or a step) would leave rows to no shard, so
 * they are refused rather than guessed at.
 */
function slurmShard(environment: Environment): ShardChoice {
  const id = wholeNumber(environment.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID', 0);
  const count = wholeNumber(environment.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT', 1);
  const min = environment.SLURM_ARRAY_TASK_MIN === undefined ? 0 : wholeNumber(environment.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', 0);
  const max = environment.SLURM_ARRAY_TASK_MAX === undefined ? min + count - 1 : wholeNumber(environment.SLURM_ARRAY_TASK_MAX, 'SLURM_ARRAY_TASK_MAX', 0);
  if (max - min + 1 !== count || (environment.SLURM_ARRAY_TASK_STEP ?? '1') !== '1') {
    throw new UsageError(`--shard auto needs a Slurm array of consecutive ids (e.g. --array=0-${count - 1}); this one has ${count} tasks from ${min} to ${max}`);
  }
  return { index: id - min, count };
}

/**
 * `--shard I/N` (0-based I), or `--shard auto`: a Slurm array task (SLURM_ARRAY_TASK_ID and
 * SLURM_ARRAY_TASK_COUNT), or a Kubernetes Indexed Job's pod (JOB_COMPLETION_INDEX, with the job's
 * completions given as `--shards N`, since Kubernetes does not put that count in the pod).
 */
export function parseShardFlag(text: string | undefined, shardsText: string | undefined, environment: Environment): ShardChoice | undefined {
  if (text === undefined) {
    if (shardsText !== undefined) throw new UsageError('--shards N goes with --shard auto (a Kubernetes Indexed Job with N completions)');
    return undefined;
  }
  let shard: ShardChoice;
  if (text === 'auto') {
    if (environment.SLURM_ARRAY_TASK_ID !== undefined) shard = slurmShard(environment);
    else if (environment.JOB_COMPLETION_INDEX !== undefined) {
      if (shardsText === undefined) throw new UsageError('--shard auto in a Kubernetes Indexed Job needs --shards N, N being the job\'s completions');
      shard = { index: wholeNumber(environment.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX', 0), count: wholeNumber(shardsText, '--shards', 1) };
    } else {
      throw new UsageError('--shard auto finds neither SLURM_ARRAY_TASK_ID (a Slurm array job) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); give --shard I/N');
    }
  } else {
    const match = /^(\d+)\/(\d+)$/.exec(text.trim());
    if (!match) throw new UsageError(`--shard takes I/N (shard I of N, counting from 0) or auto; got '${text}'`);
    shard = { index: Number(match[1]), count: Number(match[2]) };
  }
  if (shard.count < 1 || shard.index >= shard.count) throw new UsageError(`shard ${shard.index}/${shard.count} does not exist: shards of a job of ${shard.count} are 0/${shard.count} to ${shard.count - 1}/${shard.count}`);
  return shard;
}
