import * as path from 'node:path';
import { DecoderConfig } from '../config/decoderConfig';
import { errorText } from '../errorText';
import { BatchVideoProcessor } from '../processor/batchVideoProcessor';
import { InputError } from '../inputError';
import { StorageFullError } from '../checkpoint/storageFull';
import { processFnOf, type ProcessCommand } from './cliArguments';
import { EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_INTERRUPTED, EXIT_OK } from './exitCodes';
import { formatProgressLine } from './progressLine';
import { SHARDS_FOLDER } from '../outputs/webdataset/webdatasetSink';
import { datasetSummary, readingSummary } from '../display/notebookOutputs';
import { RESULTS_JSON_FILE } from '../checkpoint/resultsFiles';

/** Plain progress lines (no terminal) come at most this often. */
const PLAIN_LINE_INTERVAL_MS = 5000;

/** Progress on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise. */
function reportProgress(processor: BatchVideoProcessor, onTerminal: boolean): void {
  const clearLine = onTerminal ? '\r\x1b[2K' : '';
  let lastPlainLine = 0;
  let lastPlainDone = -1;
  let lastReadingLine = 0;
  processor.on('reading', ({ csvPath, bytesRead, totalBytes }) => {
    const line = `reading ${csvPath}: ${readingSummary({ bytesRead, totalBytes })}`;
    if (onTerminal) process.stderr.write(`${clearLine}${line}`);
    else if (Date.now() - lastReadingLine >= PLAIN_LINE_INTERVAL_MS) {
      lastReadingLine = Date.now();
      process.stderr.write(`${line}\n`);
    }
  });
  processor.on('start', ({ total, alreadyDone, checkpointPath }) => {
    if (onTerminal) process.stderr.write(clearLine);
    const resumed = alreadyDone ? `, resuming: ${alreadyDone} already done` : '';
    process.stderr.write(`${total} videos${resumed}; checkpoint ${checkpointPath}\n`);
  });
  processor.on('progress', (snapshot) => {
    if (onTerminal) {
      process.stderr.write(`${clearLine}${formatProgressLine(snapshot, true)}`);
    } else if (Date.now() - lastPlainLine >= PLAIN_LINE_INTERVAL_MS || (snapshot.done === snapshot.total && lastPlainDone !== snapshot.done)) {
      lastPlainLine = Date.now();
      lastPlainDone = snapshot.done;
      process.stderr.write(`${formatProgressLine(snapshot, false)}\n`);
    }
  });
  processor.on('videoFinished', ({ record }) => {
    if (record.status === 'failed') process.stderr.write(`${clearLine}failed: ${record.id} (${record.video_path}): ${record.error}\n`);
  });
  processor.on('log', (line) => process.stderr.write(`${clearLine}${line}\n`));
}

/** `process`: runs the job, prints the stats on stdout, and answers the exit code. */
export async function runProcessCommand(command: ProcessCommand): Promise<number> {
  const processor = new BatchVideoProcessor({
    config: new DecoderConfig({ device: command.device, backend: command.backend, gpuIds: command.gpuIds, ffmpegPath: command.ffmpegPath, autorotate: command.autorotate }),
    numWorkers: command.workers,
    checkpointPath: command.checkpointPath,
    timeoutSeconds: command.timeoutSeconds,
  });
  const onTerminal = process.stderr.isTTY === true;
  reportProgress(processor, onTerminal);
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const results = await processor.processDataset({
      csvPath: command.csvPath,
      videoCol: command.videoCol,
      idCol: command.idCol,
      processFn: processFnOf(command),
      outputDir: command.outputDir,
      outputFormat: command.outputFormat,
      webdataset: { maxShardBytes: command.maxShardBytes, maxShardSamples: command.maxShardSamples },
      saveInterval: command.saveInterval,
      retryFailed: command.retryFailed,
      fresh: command.fresh,
      shard: command.shard,
      signal: abort.signal,
    });
    if (onTerminal) process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify(results.stats, null, 2)}\n`);
    process.stderr.write(`${datasetSummary(results.stats.dataset)}\n`);
    if (results.outputDir) {
      // A shard's results are in its own folder; JPEG folders are where a one-machine run puts them.
      const frames = command.outputFormat === 'webdataset' ? path.join(results.outputDir, SHARDS_FOLDER, 'shard-*.tar') : `${path.resolve(command.outputDir ?? results.outputDir, command.fn)}${path.sep}<id>${path.sep}`;
      const images = command.fn === 'metadata' && command.outputFormat === 'files' ? '' : `; frames in ${frames}`;
      process.stderr.write(`results in ${path.join(results.outputDir, RESULTS_JSON_FILE)}${images}\n`);
    }
    if (results.interrupted) {
      process.stderr.write(`interrupted; checkpoint saved at ${results.checkpointPath}: run the same command to resume\n`);
      return EXIT_INTERRUPTED;
    }
    return EXIT_OK;
  } catch (error) {
    if (onTerminal) process.stderr.write('\n');
    process.stderr.write(`error: ${errorText(error)}\n`);
    if (error instanceof StorageFullError) {
      process.stderr.write('the checkpoint keeps every video recorded before this: free some space and run the same command to resume\n');
    }
    return error instanceof InputError ? EXIT_BAD_INPUT : EXIT_ENVIRONMENT;
  }
}
