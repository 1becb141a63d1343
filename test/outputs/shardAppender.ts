/**
 * The process the crash tests kill: appends test samples in batches and prints each batch's
 * positions once `append` has resolved, one JSON line each. The printed lines are the parent's
 * checkpoint: what the writer acknowledged. `crash` makes this process kill itself at a chosen
 * step of the writer's file work, a step being one writev, datasync or rename call.
 */
// The module object itself (not a namespace copy), so that replacing rename reaches the writer's calls.
import fsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { ShardWriter, type ShardResume, type ShardWriterOptions } from '../../kernel/src/outputs/webdataset/shardWriter';
import { SeededRandom } from '../faults/seededRandom';
import { testSample } from './testSamples';

/** Where the appender kills itself: before or after its `step`th writev, datasync or rename (`before` a writev, half of it is written: a torn write). */
export interface CrashStep {
  step: number;
  when: 'before' | 'after';
}

export interface AppenderArguments {
  dir: string;
  options: ShardWriterOptions;
  resume?: ShardResume;
  firstSample: number;
  sampleCount: number;
  /** Seeds the batch sizes (1 to 5) unless `batchSize` fixes them. */
  seed: number;
  batchSize?: number;
  crash?: CrashStep;
}

function dieNow(): Promise<never> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => undefined);
}

/** The first half of the bytes of `chunks`: what a write torn by a crash may leave. */
function firstHalf(chunks: readonly NodeJS.ArrayBufferView[]): Uint8Array[] {
  let left = Math.floor(chunks.reduce((total, chunk) => total + chunk.byteLength, 0) / 2);
  const kept: Uint8Array[] = [];
  for (const chunk of chunks) {
    const length = Math.min(chunk.byteLength, left);
    if (length) kept.push(new Uint8Array(chunk.buffer, chunk.byteOffset, length));
    left -= length;
  }
  return kept;
}

/** Wraps writev, datasync and rename so that the process dies at step `crash.step`, before or after it. */
async function installCrash(crash: CrashStep): Promise<void> {
  let steps = 0;
  /** Runs `whole`, or at the crash step dies after it, or before it, having run `torn` (the part a crash may leave). */
  const step = async <Result>(whole: () => Promise<Result>, torn: () => Promise<unknown> = async () => undefined): Promise<Result> => {
    if (++steps !== crash.step) return whole();
    await (crash.when === 'before' ? torn() : whole());
    return dieNow();
  };
  const probe = await fsPromises.open(__filename, 'r');
  const handlePrototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const { writev, datasync } = handlePrototype;
  const rename = fsPromises.rename;
  handlePrototype.writev = function <Chunks extends readonly NodeJS.ArrayBufferView[]>(this: FileHandle, chunks: Chunks, position?: number) {
    const write = writev.bind(this);
    return step(
      () => write(chunks, position),
      () => write(firstHalf(chunks), position),
    );
  };
  handlePrototype.datasync = function (this: FileHandle) {
    return step(() => datasync.call(this));
  };
  Object.assign(fsPromises, { rename: (...names: Parameters<typeof rename>) => step(() => rename(...names)) });
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as AppenderArguments;
  if (args.crash) await installCrash(args.crash);
  const writer = await ShardWriter.open(args.dir, args.options, args.resume);
  const random = new SeededRandom(args.seed);
  for (let first = args.firstSample; first < args.sampleCount; ) {
    const size = Math.min(args.batchSize ?? random.integer(1, 5), args.sampleCount - first);
    const positions = await writer.append(Array.from({ length: size }, (_, i) => testSample(first + i)));
    // Pipes are written synchronously on Linux: once printed, a line survives a kill.
    process.stdout.write(`${JSON.stringify({ first, positions })}\n`);
    first += size;
  }
  await writer.finish();
  process.stdout.write('finished\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
