import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateVideo } from '../../samples/videoGenerator';

/** A small dataset on disk: real short videos, a broken one, a missing one, problem rows. */
export interface DatasetFixture {
  dir: string;
  csvPath: string;
  /** Ids of the rows that point at good videos. */
  goodIds: string[];
  cleanup(): Promise<void>;
}

export async function makeDataset(options: { goodVideos: number; frameCount?: number }): Promise<DatasetFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-dataset-'));
  const goodIds: string[] = [];
  const rows = ['video_id,video_path'];
  for (let i = 0; i < options.goodVideos; i++) {
    const id = `clip${i}`;
    await generateVideo({
      path: path.join(dir, 'videos', `${id}.mp4`),
      codec: 'h264',
      width: 160,
      height: 120,
      fps: 25,
      frameCount: options.frameCount ?? 30,
      gop: i % 2 ? 250 : 12,
      bFrames: i % 2 ? 2 : 0,
    });
    goodIds.push(id);
    rows.push(`${id},videos/${id}.mp4`);
  }
  await writeFile(path.join(dir, 'videos', 'broken.mp4'), 'this is not a video\n');
  rows.push('broken,videos/broken.mp4');
  rows.push('missing,videos/missing.mp4');
  rows.push(`clip0,videos/clip0.mp4`); // a duplicate id: skipped, never processed twice
  rows.push('nopath,');
  const csvPath = path.join(dir, 'videos.csv');
  await writeFile(csvPath, `${rows.join('\n')}\n`);
  return { dir, csvPath, goodIds, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
