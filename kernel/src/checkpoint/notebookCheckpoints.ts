import * as path from 'node:path';

/** `analysis.ipynb` -> `analysis.vbk-checkpoint/`: the folder beside a notebook that holds its runs' checkpoints. */
export function notebookCheckpointFolder(notebookPath: string): string {
  const notebook = path.parse(path.resolve(notebookPath));
  return path.join(notebook.dir, `${notebook.name}.vbk-checkpoint`);
}

/** `analysis.ipynb` + `data/videos.csv` -> `analysis.vbk-checkpoint/videos.json`: one checkpoint per notebook and dataset. */
export function notebookCheckpointPath(notebookPath: string, csvPath: string): string {
  return path.join(notebookCheckpointFolder(notebookPath), `${path.parse(csvPath).name}.json`);
}
