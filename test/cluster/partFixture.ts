import { builtins } from '../../kernel/src/builtins/builtinTasks';
import { openCheckpoint } from '../../kernel/src/checkpoint/checkpoint';
import type { ProcessingRecord } from '../../kernel/src/checkpoint/processingRecord';
import { SelectedRows, type RowSelection } from '../../kernel/src/csv/rowSelection';
import { processingFingerprint } from '../../kernel/src/processor/processingFingerprint';

/** The dataset a part belongs to, as its checkpoint names it. */
export interface PartDataset {
  csvPath: string;
  csvSha256: string;
  totalRows: number;
}

/** Row r's record in these fixtures: metadata-shaped, one in seven failed. */
export function fixtureRecord(row: number, videoPath: string): ProcessingRecord {
  if (row % 7 === 0) return { id: `row${row - 1}`, video_path: videoPath, status: 'failed', error: `cannot open row ${row}`, time: 0.02 };
  const result = { duration: 4, width: 426, height: 240, fps: 25, num_frames: 100 + row, codec: 'h264' };
  return { id: `row${row - 1}`, video_path: videoPath, status: 'processed', result, time: 0.01 };
}

/**
 * Writes one part's checkpoint as a finished run of the metadata built-in leaves it, through the
 * engine's own Checkpoint: a record for each of the first `settledShare` of its rows (all by
 * default). For merge and status at sizes no test could decode.
 */
export async function writePart(checkpointPath: string, dataset: PartDataset, selection: RowSelection, videoPath: string, settledShare = 1): Promise<void> {
  const rows = new SelectedRows(selection, dataset.totalRows);
  const checkpoint = await openCheckpoint(checkpointPath, {
    datasetFingerprint: { csvSha256: dataset.csvSha256, videoCol: 'video_path', idCol: 'video_id' },
    processingFingerprint: processingFingerprint(builtins.metadata()),
    datasetLocation: { csvPath: dataset.csvPath, totalRows: dataset.totalRows },
    selection,
  });
  const settled = Math.floor(rows.size * settledShare);
  const entries = Array.from({ length: settled }, (_, slot) => {
    const row = rows.rowAt(slot);
    return { row: { rowNumber: row }, record: fixtureRecord(row, videoPath) };
  });
  await checkpoint.appendAll(entries);
  await checkpoint.close();
}
