/**
 * What a filtered or searched page of the keyframe grid costs over a run of a million rows: a
 * journal of keyframe-shaped records (4 frames each, a failure every 50th row) written to a
 * temporary folder, paged the way the kernel answers the renderer. Prints seconds and the heap
 * the page left behind. `node out/bench/gridSearchBench.js [rows]`
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { journalLine } from '../kernel/src/checkpoint/journal';
import type { ProcessingRecord } from '../kernel/src/checkpoint/processingRecord';
import { ResultRecords } from '../kernel/src/checkpoint/resultRecords';
import { RowOutcomes } from '../kernel/src/checkpoint/rowOutcomes';
import { ALL_ROWS, SelectedRows } from '../kernel/src/csv/rowSelection';
import { gridRecordsOf } from '../kernel/src/display/gridRecords';
import type { KeyframesQuery } from '../kernel/src/display/notebookOutputs';

function recordOf(row: number): ProcessingRecord {
  const id = `video${String(row).padStart(7, '0')}`;
  const video_path = `/data/videos/part${row % 100}/${id}.mp4`;
  if (row % 50 === 0) return { id, video_path, status: 'failed', error: `file not found: ${video_path}`, time: 0.001 };
  const frames = [0, 1, 2, 3].map((i) => ({ index: i * 25, timestamp: i, path: `/out/${id}/keyframe_${String(i * 25).padStart(6, '0')}.jpg`, width: 128, height: 72 }));
  return { id, video_path, status: 'processed', result: { video_id: id, frames, num_frames: 4 }, time: 0.2 };
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-grid-bench-'));
  const journalPath = path.join(dir, 'run.journal');
  const index = new RowOutcomes(new SelectedRows(ALL_ROWS, rows));
  const fd = openSync(journalPath, 'w');
  let offset = 0;
  for (let row = 1; row <= rows; row++) {
    const record = recordOf(row);
    const line = journalLine({ row, record });
    writeSync(fd, line);
    index.set(row, record, offset, line.length);
    offset += line.length;
  }
  closeSync(fd);
  const readFd = openSync(journalPath, 'r');
  const grid = gridRecordsOf(ResultRecords.of(journalPath, readFd, index));
  console.log(`${rows} rows, journal ${(offset / 2 ** 20).toFixed(0)} MB, row index ${(index.byteSize / 2 ** 20).toFixed(1)} MB`);
  const queries: [string, KeyframesQuery, number][] = [
    ['processed, page 40000', { status: 'processed', search: '' }, 480_000],
    ['failed, page 1000', { status: 'failed', search: '' }, 12_000],
    ['search "part7/" (1%), page 500', { status: 'all', search: 'PART7/' }, 6_000],
    ['the same search, page 501 (its matches remembered)', { status: 'all', search: 'PART7/' }, 6_012],
    ['search one id', { status: 'all', search: 'video0777777' }, 0],
    ['failed + search "part3"', { status: 'failed', search: 'part3' }, 0],
  ];
  for (const [label, query, at] of queries) {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const page = grid.page(query, at, 12);
    const seconds = (performance.now() - started) / 1000;
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(`${label}: ${page.total} matches, ${page.records.length} kept, ${seconds.toFixed(3)} s, heap +${((heapAfter - heapBefore) / 2 ** 20).toFixed(1)} MB (before collection)`);
  }
  closeSync(readFd);
  await rm(dir, { recursive: true, force: true });
}

void main();
