import type { PartState } from '../../../kernel/src/cluster/jobStatus';

/** What decides which commands an item of the runs view offers. */
export interface RunContextFacts {
  item: 'run' | 'job' | 'part';
  state?: PartState;
  failed: number;
  /** The item stands for one checkpoint (a job's parts each have theirs). */
  hasCheckpoint: boolean;
  /** The notebook that made the checkpoint exists, so its cells can resume it. */
  hasNotebook: boolean;
  hasResults: boolean;
}

/**
 * The item's contextValue: words that package.json's `view/item/context` `when` clauses match:
 * `run`/`job`/`part` first, then `failed` while there are failures to retry or export, `stopped`
 * when no run holds its checkpoint, `resumable` when its notebook can resume it, `results` when
 * results were written.
 */
export function runContextValue(facts: RunContextFacts): string {
  const { item, state, failed, hasCheckpoint, hasNotebook, hasResults } = facts;
  const words: string[] = [item];
  if (failed > 0) words.push('failed');
  if (state !== 'running' && hasCheckpoint) words.push('stopped');
  if (item === 'run' && hasNotebook && state !== 'complete' && state !== 'running') words.push('resumable');
  if (hasResults) words.push('results');
  return words.join(' ');
}
