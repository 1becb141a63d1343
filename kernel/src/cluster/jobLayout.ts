import * as path from 'node:path';
import type { RowSelection } from '../csv/rowSelection';

/**
 * Where the parts of one job sit in its shared output folder. A static shard keeps its checkpoint
 * and its own results in `DIR/shard-<I>-of-<N>/`; a queue chunk in `DIR/chunks/chunk-<C>/` once
 * committed. Frames in JPEG folders go where a one-machine run puts them (`DIR/<built-in>/<id>/`),
 * so merged records name the same files; WebDataset tars go inside the part's folder, where no two
 * writers meet. The whole job's merged files are DIR's own processing_results.json, .parquet and
 * processing_stats.json.
 */
export const SHARD_FOLDER = /^shard-(\d+)-of-(\d+)$/;

/** Zero-padded to at least five digits, so folders sort in shard order for any job up to 99,999 shards. */
const padded = (value: number, width: number) => String(value).padStart(Math.max(5, width), '0');

export function shardFolderName(index: number, count: number): string {
  const width = String(count).length;
  return `shard-${padded(index, width)}-of-${padded(count, width)}`;
}

/** The shard a folder name stands for, or undefined for any other name. */
export function shardOfFolder(name: string): { index: number; count: number } | undefined {
  const match = SHARD_FOLDER.exec(name);
  if (!match) return undefined;
  const [index, count] = [Number(match[1]), Number(match[2])];
  return index < count ? { index, count } : undefined;
}

/** The checkpoint's name inside a part's folder: the CSV's name, as beside a CSV. */
export function partCheckpointName(csvPath: string): string {
  return `${path.parse(csvPath).name}.vbk-checkpoint.json`;
}

/** Where a run over `selection` keeps its checkpoint and results within the job's output folder. */
export function partFolder(outputDir: string, selection: RowSelection): string {
  switch (selection.kind) {
    case 'all':
      return outputDir;
    case 'shard':
      return path.join(outputDir, shardFolderName(selection.index, selection.count));
    case 'range':
      throw new Error('a queue chunk is run into its attempt folder, not laid out by selection');
  }
}
