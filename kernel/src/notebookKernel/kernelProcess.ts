/**
 * The notebook kernel: a child process that runs TypeScript cells for one notebook. Started by
 * `KernelSession` with the start options as its one argument; talks over the IPC channel with
 * the messages of kernelProtocol.ts. SIGINT interrupts the running cell.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as library from '../index';
import { keyframeGridPage, setDisplaySink, type DisplayRequest } from '../display/display';
import type { ProcessingRecord } from '../checkpoint/processingRecord';
import { setRunEnvironment } from '../processor/runEnvironment';
import { errorText } from '../errorText';
import { runStopWaitMs, type CellOutput, type ErrorOutput, type ExecutionStatus, type HostMessage, type KernelMessage, type KernelStartOptions } from './kernelProtocol';
import { forwardLibraryTypes, provideLibraryToCells } from './libraryResolution';
import { NotebookRunEnvironment } from './notebookRunEnvironment';
import { packageRoot } from './packageRoot';
import { StreamCapture } from './streamCapture';
import { TypeScriptCells } from './typescriptCells';
import { interruptedMessage, type InterruptedRun } from './interruptedMessage';

/** Paged keyframe grids whose records are kept for page requests (older grids stay as saved). */
const PAGED_GRIDS_KEPT = 20;

const options = JSON.parse(process.argv[2] ?? '{}') as KernelStartOptions;
const notebookFolder = path.dirname(path.resolve(options.notebookPath));

function send(message: KernelMessage): void {
  process.send?.(message);
}

/** Outputs belong to the cell that runs now, or else to the last one that ran (late async prints). */
let currentRequestId = 0;
const sendOutput = (output: CellOutput): void => send({ type: 'output', requestId: currentRequestId, output });
const streams = new StreamCapture(sendOutput);

process.chdir(notebookFolder);
forwardLibraryTypes(notebookFolder, packageRoot());
const cells = new TypeScriptCells(notebookFolder, (text) => streams.add('stdout', `${text}\n`));
provideLibraryToCells(library);

const pagedGrids = new Map<string, readonly ProcessingRecord[]>();
function showDisplay(request: DisplayRequest): void {
  streams.flush();
  const displayId = request.displayId ?? (request.pagedRecords ? randomBytes(8).toString('hex') : undefined);
  if (displayId && request.pagedRecords) {
    pagedGrids.set(displayId, request.pagedRecords);
    for (const oldest of pagedGrids.keys()) {
      if (pagedGrids.size <= PAGED_GRIDS_KEPT) break;
      pagedGrids.delete(oldest);
    }
  }
  if (request.update && displayId) sendOutput({ kind: 'updateDisplay', displayId, data: request.data });
  else sendOutput({ kind: 'display', ...(displayId ? { displayId } : {}), data: request.data });
}
setDisplaySink(showDisplay);
routeTslabDisplays(showDisplay);

let cellAbort: AbortController | undefined;
let interruptRequested = false;
/** The runs an interrupt stopped, as the cell's closing message reports them. */
let interruptedRuns: InterruptedRun[] = [];
const runs = new NotebookRunEnvironment(options.notebookPath, options.settings ?? {}, {
  cellSignal: () => cellAbort?.signal,
  reportJob: (job) => send({ type: 'job', requestId: currentRequestId, job }),
});
setRunEnvironment(runs);

/** Cells run one at a time, in the order they arrive. */
let queue: Promise<void> = Promise.resolve();

async function execute(requestId: number, code: string): Promise<void> {
  currentRequestId = requestId;
  cellAbort = new AbortController();
  interruptRequested = false;
  const started = performance.now();
  // tslab reports a cell's own errors itself; what escapes is tslab failing, reported as the cell's error.
  const run = await cells.run(code).catch((error: unknown) => ({
    ok: false,
    interruptedSynchronously: false,
    errors: [{ kind: 'error', name: 'KernelError', message: `the kernel could not run the cell: ${errorText(error)}` } satisfies ErrorOutput],
  }));
  streams.flush();
  const interrupted = interruptRequested || run.interruptedSynchronously;
  const status: ExecutionStatus = interrupted ? 'interrupted' : run.ok ? 'ok' : 'error';
  const errors: ErrorOutput[] = interrupted ? [interruptedMessage(interruptedRuns)] : run.errors;
  for (const error of errors) sendOutput(error);
  interruptedRuns = [];
  cellAbort = undefined;
  send({ type: 'executed', requestId, result: { status, durationMs: performance.now() - started } });
}

/**
 * SIGINT while a cell awaits: stop its processing runs (workers end, checkpoints stay valid),
 * give them time to wind down so the cell reports their final counts, then stop awaiting.
 * (SIGINT during synchronous code never reaches here: `breakOnSigint` throws inside the cell.)
 */
process.on('SIGINT', () => {
  if (!cellAbort) return;
  interruptRequested = true;
  const active = [...runs.activeRuns];
  cellAbort.abort();
  const stopped = Promise.all(active.map((run) => run.settled));
  const grace = new Promise((resolve) => setTimeout(resolve, runStopWaitMs(options.interruptGraceMs)).unref());
  void Promise.race([stopped, grace]).then(() => {
    interruptedRuns = active.map((run) => ({ checkpointPath: run.checkpointPath, ...(run.lastProgress ? { progress: run.lastProgress } : {}) }));
    cells.stopAwaiting();
  });
});

process.on('uncaughtException', (error) => {
  streams.add('stderr', `Uncaught exception (from code that kept running after its cell): ${error.stack ?? String(error)}\n`);
});
process.on('unhandledRejection', (reason) => {
  streams.add('stderr', `Unhandled promise rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
});

process.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'execute':
      queue = queue.then(() => execute(message.requestId, message.code));
      break;
    case 'complete':
      send({ type: 'completed', requestId: message.requestId, completion: cells.complete(message.code, message.offset) });
      break;
    case 'hover':
      send({ type: 'hovered', requestId: message.requestId, hover: cells.hover(message.code, message.offset) });
      break;
    case 'keyframesPage': {
      const records = pagedGrids.get(message.displayId);
      const page = records ? keyframeGridPage(records, { offset: message.offset, limit: message.limit }) : undefined;
      send({ type: 'keyframesPage', requestId: message.requestId, page: page ? { offset: page.offset, videos: page.videos, totalVideos: page.totalVideos } : null });
      break;
    }
    case 'shutdown':
      cells.close();
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
