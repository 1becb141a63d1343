import * as http from 'node:http';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** What the server has sent: requests, body bytes written to sockets, and the ranges asked for. */
export interface Served {
  requests: number;
  bytes: number;
  ranges: string[];
}

/**
 * A local HTTP server with Range support (206, Accept-Ranges, Content-Range) for the videos of a
 * folder; `/stall/<name>` sends the headers and half the body, then nothing; `/drop/<name>` hangs up
 * a third of the way into its first answer for each name (the next requests are answered whole). It
 * runs on a worker thread: the libav backend's reads are synchronous and would block a server on the caller's thread
 * (a test, or the benchmark that reads the same videos over HTTP).
 */
export class RangeServer {
  private constructor(private readonly worker: Worker, readonly port: number) {}

  static start(folder: string): Promise<RangeServer> {
    const worker = new Worker(__filename, { workerData: { folder } });
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (port: number) => resolve(new RangeServer(worker, port)));
    });
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  /** What was served since the last call. */
  served(): Promise<Served> {
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage('served');
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** `length` bytes of `file` from `start`. */
function readRange(file: string, start: number, length: number): Buffer {
  const chunk = Buffer.alloc(length);
  const descriptor = openSync(file, 'r');
  try {
    readSync(descriptor, chunk, 0, length, start);
  } finally {
    closeSync(descriptor);
  }
  return chunk;
}

function serve(folder: string): void {
  let served: Served = { requests: 0, bytes: 0, ranges: [] };
  const dropped = new Set<string>();
  const server = http.createServer((request, response) => {
    served.requests++;
    const stalling = request.url?.startsWith('/stall/') ?? false;
    const name = path.basename(request.url ?? '');
    const dropping = (request.url?.startsWith('/drop/') ?? false) && !dropped.has(name);
    const file = path.join(folder, name);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      response.writeHead(404).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end) {
      response.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    if (range) served.ranges.push(`${start}-${end}`);
    const headers = { 'Accept-Ranges': 'bytes', 'Content-Length': end - start + 1, 'Content-Type': 'video/mp4' };
    if (range) response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` });
    else response.writeHead(200, headers);
    const before = request.socket.bytesWritten;
    // Counted as the socket takes it: a client that hangs up early is not charged the rest.
    response.on('close', () => (served.bytes += request.socket.bytesWritten - before));
    if (dropping) {
      dropped.add(name);
      response.write(readRange(file, start, Math.floor((end + 1 - start) / 3)), () => request.socket.destroy());
      return;
    }
    // A stalling server never gets past the first half of the file, however it is asked.
    const last = stalling ? Math.min(end, (size >> 1) - 1) : end;
    if (last < start) {
      // The headers go out, then nothing: a stall within the body, not before the response.
      response.flushHeaders();
      return;
    }
    // Read from disk as the client takes it, not the whole file per request: a benchmark's large files stay cheap to serve.
    const body = createReadStream(file, { start, end: last });
    response.on('close', () => body.destroy());
    body.pipe(response, { end: !stalling });
  });
  server.listen(0, '127.0.0.1', () => parentPort!.postMessage((server.address() as { port: number }).port));
  parentPort!.on('message', () => {
    parentPort!.postMessage(served);
    served = { requests: 0, bytes: 0, ranges: [] };
  });
}

if (!isMainThread && (workerData as { folder?: string } | null)?.folder) serve((workerData as { folder: string }).folder);
