/**
 * The runs the "Video Batch Runs" view is tested on, made by real engine runs before VS Code
 * starts, in `<workspace>/runs/`: a finished CLI-style checkpoint (`good.vbk-checkpoint.json`), an
 * interrupted notebook's (`interrupted.vbk-checkpoint/good.json`), and a finished notebook's with
 * a failure (`failing.vbk-checkpoint/withmissing.json`: `videos/fixme.mp4` does not exist), and a
 * cluster job of two static shards of which one ran (`cluster-out/shard-00000-of-00002/`). The
 * notebooks are written beside them with the same processing, so that their cells resume them.
 */
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { BatchVideoProcessor, DecoderConfig, builtins } from '../../kernel/src/index';
import { TYPESCRIPT_NOTEBOOK_METADATA } from '../../extension/src/datasetNotebook/processingNotebook';
import { generateVideo } from '../../samples/videoGenerator';

export const RUNS_FOLDER = 'runs';
/** What the suite checks the view against: how far the interrupted run got. */
export const RUNS_EXPECTED_FILE = 'expected.json';
export interface RunsExpected {
  interruptedSettled: number;
}

const GOOD_CLIPS = ['clip0', 'clip1', 'clip2', 'clip3'];
const code = (source: string) => ({ cell_type: 'code', metadata: { vscode: { languageId: 'typescript' } }, source: [source], execution_count: null, outputs: [] });

function writeNotebook(file: string, csvName: string): void {
  const cells = [
    code("import { BatchVideoProcessor, DecoderConfig, builtins } from 'video-batch-kernel';\nconst processor = new BatchVideoProcessor({ config: new DecoderConfig({ device: 'cpu' }), numWorkers: 1 });"),
    code(`const results = await processor.processDataset({ csvPath: '${csvName}', videoCol: 'video_path', idCol: 'video_id', processFn: builtins.metadata() });`),
  ];
  writeFileSync(file, JSON.stringify({ cells, metadata: TYPESCRIPT_NOTEBOOK_METADATA, nbformat: 4, nbformat_minor: 5 }));
}

export async function makeRunsWorkspace(workspace: string): Promise<void> {
  const folder = path.join(workspace, RUNS_FOLDER);
  await mkdir(path.join(folder, 'videos'), { recursive: true });
  for (const id of GOOD_CLIPS) {
    await generateVideo({ path: path.join(folder, 'videos', `${id}.mp4`), codec: 'h264', width: 64, height: 48, fps: 25, frameCount: 10, gop: 5 });
  }
  const rows = (ids: string[]) => `video_id,video_path\n${ids.map((id) => `${id},videos/${id}.mp4`).join('\n')}\n`;
  writeFileSync(path.join(folder, 'good.csv'), rows(GOOD_CLIPS));
  writeFileSync(path.join(folder, 'withmissing.csv'), rows(['clip0', 'clip1', 'fixme', 'clip2']));
  writeNotebook(path.join(folder, 'interrupted.ipynb'), 'good.csv');
  writeNotebook(path.join(folder, 'failing.ipynb'), 'withmissing.csv');

  const config = new DecoderConfig({ device: 'cpu' });
  const job = (csvName: string) => ({ csvPath: path.join(folder, csvName), videoCol: 'video_path', idCol: 'video_id', processFn: builtins.metadata() });
  await new BatchVideoProcessor({ config, numWorkers: 2 }).processDataset({ ...job('good.csv'), outputDir: path.join(folder, 'finished-out') });
  await new BatchVideoProcessor({ config, numWorkers: 2, checkpointPath: path.join(folder, 'failing.vbk-checkpoint', 'withmissing.json') })
    .processDataset({ ...job('withmissing.csv'), outputDir: path.join(folder, 'failing.vbk-output', 'withmissing') });
  await new BatchVideoProcessor({ config, numWorkers: 1 }).processDataset({ ...job('good.csv'), outputDir: path.join(folder, 'cluster-out'), shard: { index: 0, count: 2 } });
  // Stopped after its first video, as an Interrupt does: the others stay pending.
  const abort = new AbortController();
  const interrupted = new BatchVideoProcessor({ config, numWorkers: 1, checkpointPath: path.join(folder, 'interrupted.vbk-checkpoint', 'good.json') });
  interrupted.once('videoFinished', () => abort.abort());
  const stopped = await interrupted.processDataset({ ...job('good.csv'), outputDir: path.join(folder, 'interrupted.vbk-output', 'good'), signal: abort.signal });
  const { dataset } = stopped.stats;
  const expected: RunsExpected = { interruptedSettled: dataset.total_videos - dataset.pending };
  writeFileSync(path.join(folder, RUNS_EXPECTED_FILE), JSON.stringify(expected));
}
