import { Log } from 'node-av/lib';
import { AV_LOG_ERROR } from 'node-av/constants';
import { uniformIndices } from '../kernel/src/video/frameSampling';
import { outputSize } from '../kernel/src/video/outputSize';
import { readFrameStamp } from '../samples/frameStamp';
import { decodeAllFrames } from '../samples/referenceDecode';
import type { BenchDataset } from './benchDataset';
import type { ExtractedFrames } from './extractionMethods';

export interface FrameCheck {
  expected: number;
  wrong: number;
  missing: number;
}

/** Reads every JPEG back and compares the index stamped into its picture with the index asked for. */
export async function checkFrames(dataset: BenchDataset, extracted: ExtractedFrames, numFrames: number, size: number): Promise<FrameCheck> {
  // swscale warns about every full-range JPEG it converts: noise that buries the benchmark's output.
  Log.setLevel(AV_LOG_ERROR);
  const check: FrameCheck = { expected: 0, wrong: 0, missing: 0 };
  for (const video of dataset.videos) {
    const { width, height } = outputSize(video.width, video.height, size);
    const files = extracted.get(video.id);
    for (const index of new Set(uniformIndices(video.frameCount, numFrames))) {
      check.expected++;
      const file = files?.get(index);
      if (!file) {
        check.missing++;
        continue;
      }
      const [picture] = await decodeAllFrames(file, width, height);
      let stamp = -1;
      try {
        stamp = readFrameStamp(picture, width, height);
      } catch {
        // an unreadable stamp is a wrong frame
      }
      if (stamp !== index) check.wrong++;
    }
  }
  return check;
}
