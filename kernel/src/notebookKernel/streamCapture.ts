import type { StreamOutput } from './kernelProtocol';

/** A burst of writes within this long becomes one message. */
const BATCH_MS = 40;
/** A burst larger than this is sent at once, so a printing loop cannot hold megabytes back. */
const BATCH_BYTES = 64 * 1024;

type StreamName = StreamOutput['name'];

/**
 * Captures what the kernel process writes to stdout and stderr (a cell's `console.log`,
 * `process.stdout.write`, the library's own messages) and hands it on in batches: a loop that
 * prints a character at a time costs one message per burst, not one per character. Text of one
 * stream stays in order; `flush` is called before any other output so displays and errors appear
 * after the text printed before them.
 */
export class StreamCapture {
  private pending: { name: StreamName; text: string } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (output: StreamOutput) => void) {
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = process[name];
      stream.write = ((chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
        const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : 'utf8';
        this.add(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(encoding));
        const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
        if (done) queueMicrotask(() => done());
        return true;
      }) as typeof stream.write;
    }
  }

  add(name: StreamName, text: string): void {
    if (text === '') return;
    if (this.pending && this.pending.name !== name) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text };
    if (this.pending.text.length >= BATCH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.send({ kind: 'stream', ...pending });
  }
}
