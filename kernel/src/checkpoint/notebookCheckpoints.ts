import * as path from 'node:path';

const CHECKPOINT_FOLDER_SUFFIX = '.vbk-checkpoint';

/** `analysis.ipynb` -> `analysis.vbk-checkpoint/`: the folder beside a notebook that holds its runs' checkpoints. */
export function notebookCheckpointFolder(notebookPath: string): string {
  const notebook = path.parse(path.resolve(notebookPath));
  return path.join(notebook.dir, `${notebook.name}${CHECKPOINT_FOLDER_SUFFIX}`);
}

/** `analysis.ipynb` + `data/videos.csv` -> `analysis.vbk-checkpoint/videos.json`: one checkpoint per notebook and dataset. */
export function notebookCheckpointPath(notebookPath: string, csvPath: string): string {
  return path.join(notebookCheckpointFolder(notebookPath), `${path.parse(csvPath).name}.json`);
}

/** `analysis.vbk-checkpoint/videos.json` -> `analysis.ipynb`: the notebook whose run made a checkpoint; undefined for any other checkpoint. */
export function notebookOfCheckpoint(checkpointPath: string): string | undefined {
  const folder = path.dirname(path.resolve(checkpointPath));
  const name = path.basename(folder);
  return name.endsWith(CHECKPOINT_FOLDER_SUFFIX) ? path.join(path.dirname(folder), `${name.slice(0, -CHECKPOINT_FOLDER_SUFFIX.length)}.ipynb`) : undefined;
}
