import type { WorkerActivity } from '../pool/workerPool';
import type { DecodeDevice } from '../video/videoTypes';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import type { RunDevice } from '../device/runDevice';
import type { DatasetStatsDict } from '../stats/processingStats';
import type { ResultsFileWritten } from '../checkpoint/resultsWriter';

/** One machine working on a queue job, as its worker's last heartbeat tells. */
export interface MachineProgress {
  host: string;
  pid: number;
  /** Decoding processes it runs. */
  workers: number;
  /** Videos it settled for this job since its worker started. */
  done: number;
  videosPerSecond: number;
  framesPerSecond: Record<DecodeDevice, number>;
  /** Videos it decodes now. */
  active: number;
}

/** The state of a run at one moment, for progress bars and notebook displays. */
export interface ProgressSnapshot {
  /** Videos in the dataset (rows with a video). */
  total: number;
  /** Rows settled so far, in this run or before it (processed + failed + skipped). */
  done: number;
  processed: number;
  failed: number;
  skipped: number;
  elapsedSeconds: number;
  /** Videos finished by this run per second of this run. */
  videosPerSecond: number;
  /** Seconds left at the current rate; null until a rate is known. */
  etaSeconds: number | null;
  /** Decoded frames per second of this run, per device: a GPU is not always the faster one. */
  framesPerSecond: Record<DecodeDevice, number>;
  workers: WorkerActivity[];
  /** The whole dataset: each row's latest outcome over every run of the checkpoint. */
  dataset: DatasetStatsDict;
  /** A queue job: every machine working on it (the rates above are their sum). */
  machines?: MachineProgress[];
}

/** How far the read of the CSV before a run has come (it counts rows and hashes the file). */
export interface CsvReading {
  csvPath: string;
  bytesRead: number;
  totalBytes: number;
}

export interface RunStart {
  total: number;
  /** Videos already settled by an earlier run of the same checkpoint. */
  alreadyDone: number;
  checkpointPath: string;
  /** The dataset as the checkpoint holds it before this run. */
  dataset: DatasetStatsDict;
}

export interface VideoStarted {
  id: string;
  videoPath: string;
  /** The decoding worker that took it; absent when no worker was needed (a missing file). */
  workerId?: number;
}

export interface VideoFinished {
  record: ProcessingRecord;
  device?: DecodeDevice;
  workerId?: number;
}

/** Events a BatchVideoProcessor emits while `processDataset` runs. */
export interface ProcessorEventMap {
  /** Before `start`, a few times a second while the CSV is read. */
  reading: [CsvReading];
  start: [RunStart];
  videoStarted: [VideoStarted];
  videoFinished: [VideoFinished];
  progress: [ProgressSnapshot];
  /** A results file (processing_results.json, .parquet, processing_stats.json) was written, and how long it took. */
  resultsWritten: [ResultsFileWritten];
  /** Where the run decodes, once, before its first video reaches a worker. */
  device: [RunDevice];
  log: [string];
}
