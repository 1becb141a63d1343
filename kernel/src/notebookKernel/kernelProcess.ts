/**
 * The notebook kernel: a child process that runs TypeScript cells for one notebook. Started by
 * `KernelSession` with the start options as its one argument; talks over the IPC channel with
 * the messages of kernelProtocol.ts. It only wires the process (IPC, SIGINT, stream capture, the
 * run environment) to KernelHandler, which holds the logic. SIGINT interrupts the running cell.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as library from '../index';
import { setDisplaySink, type DisplayRequest } from '../display/display';
import type { GridRecords } from '../display/gridRecords';
import { setRunEnvironment } from '../processor/runEnvironment';
import { runStopWaitMs, type CellOutput, type HostMessage, type KernelMessage, type KernelStartOptions } from './kernelProtocol';
import { KernelHandler } from './kernelHandler';
import { forwardLibraryTypes, provideLibraryToCells } from './libraryResolution';
import { NotebookRunEnvironment } from './notebookRunEnvironment';
import { packageRoot } from './packageRoot';
import { StreamCapture } from './streamCapture';
import { TypeScriptCells } from './typescriptCells';

/**
 * Paged keyframe grids kept for page requests, newest first, while their row indexes together stay
 * under this (a million-row run's index is 13 MB); older grids stay as saved, without more pages.
 * The newest grid is always kept, whatever its size.
 */
const PAGED_GRID_INDEX_BYTES_KEPT = 64 * 2 ** 20;
/** Grids kept at most, for grids of arrays whose cost is not known. */
const PAGED_GRIDS_KEPT = 20;

const options = JSON.parse(process.argv[2] ?? '{}') as KernelStartOptions;
const notebookFolder = path.dirname(path.resolve(options.notebookPath));

function send(message: KernelMessage): void {
  process.send?.(message);
}

/** Outputs belong to the cell that runs now, or else to the last one that ran (late async prints). */
const sendOutput = (output: CellOutput): void => send({ type: 'output', requestId: handler.currentRequestId, output });
const streams = new StreamCapture(sendOutput);

process.chdir(notebookFolder);
forwardLibraryTypes(notebookFolder, packageRoot());
const cells = new TypeScriptCells(notebookFolder, (text) => streams.add('stdout', `${text}\n`));
provideLibraryToCells(library);

const pagedGrids = new Map<string, GridRecords>();

/** Forgets the oldest grids beyond PAGED_GRIDS_KEPT or PAGED_GRID_INDEX_BYTES_KEPT. */
function forgetOldGrids(): void {
  let bytes = 0;
  [...pagedGrids].reverse().forEach(([displayId, records], newest) => {
    bytes += records.indexBytes ?? 0;
    if (newest > 0 && (newest >= PAGED_GRIDS_KEPT || bytes > PAGED_GRID_INDEX_BYTES_KEPT)) pagedGrids.delete(displayId);
  });
}

function showDisplay(request: DisplayRequest): void {
  streams.flush();
  const displayId = request.displayId ?? (request.pagedRecords ? randomBytes(8).toString('hex') : undefined);
  if (displayId && request.pagedRecords) {
    pagedGrids.delete(displayId); // an updated grid becomes the newest
    pagedGrids.set(displayId, request.pagedRecords);
    forgetOldGrids();
  }
  if (request.update && displayId) sendOutput({ kind: 'updateDisplay', displayId, data: request.data });
  else sendOutput({ kind: 'display', ...(displayId ? { displayId } : {}), data: request.data });
}
setDisplaySink(showDisplay);
routeTslabDisplays(showDisplay);

const handler: KernelHandler = new KernelHandler({
  cells,
  send,
  flushStreams: () => streams.flush(),
  activeRuns: () => runs.activeRuns,
  pagedRecords: (displayId) => pagedGrids.get(displayId),
  runStopWaitMs: runStopWaitMs(options.interruptGraceMs),
});
const runs = new NotebookRunEnvironment(options.notebookPath, options.settings ?? {}, {
  cellSignal: () => handler.cellSignal,
  reportJob: (job) => send({ type: 'job', requestId: handler.currentRequestId, job }),
});
setRunEnvironment(runs);

// SIGINT while a cell awaits (see KernelHandler.interrupt); during synchronous code tslab's
// breakOnSigint throws inside the cell instead.
process.on('SIGINT', () => handler.interrupt());

process.on('uncaughtException', (error) => {
  streams.add('stderr', `Uncaught exception (from code that kept running after its cell): ${error.stack ?? String(error)}\n`);
});
process.on('unhandledRejection', (reason) => {
  streams.add('stderr', `Unhandled promise rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
});

process.on('message', (message: HostMessage) => {
  handler.receive(message);
  if (message.type === 'shutdown') {
    process.disconnect?.();
    process.exit(0);
  }
});
// The host going away (VS Code closed, crashed) ends the kernel, and with it its workers.
process.on('disconnect', () => process.exit(0));

// tslab's package.json and its Jupyter module are not part of its typed exports: read at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
send({ type: 'ready', versions: { node: process.version, tslab: require('tslab/package.json').version as string } });

/** `import * as tslab from 'tslab'; tslab.display.html(...)` works as in Jupyter. */
function routeTslabDisplays(show: (request: DisplayRequest) => void): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  jupyter.lastWriteDisplayData = (message: { data: Record<string, unknown>; transient?: { display_id?: string } }, update: boolean) => {
    const displayId = message.transient?.display_id;
    show({ data: message.data, update, ...(displayId ? { displayId } : {}) });
  };
}
