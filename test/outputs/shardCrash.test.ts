import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ShardWriter, type SamplePosition, type ShardResume, type ShardWriterOptions } from '../../kernel/src/outputs/webdataset/shardWriter';
import { SeededRandom } from '../faults/seededRandom';
import type { AppenderArguments, CrashStep } from './shardAppender';
import { assertShardsHold, shardFiles } from './shardChecks';
import { testSample } from './testSamples';

const APPENDER = path.join(__dirname, 'shardAppender.js');
/** Small limits, so that shards are finished often and kills land around renames as well as writes. */
const OPTIONS: ShardWriterOptions = { maxShardBytes: 24 * 1024, maxShardSamples: 7 };
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** What the parent learnt from the appender's printed lines: its checkpoint. */
class PrintedCheckpoint {
  readonly positions = new Map<string, SamplePosition>();
  nextSample = 0;
  resume: ShardResume | undefined;
  batches = 0;

  record(first: number, positions: SamplePosition[]): void {
    positions.forEach((position, i) => this.positions.set(`s${first + i}`, position));
    this.nextSample = first + positions.length;
    const last = positions.at(-1);
    if (last) this.resume = { shardIndex: last.shardIndex, committedBytes: last.endBytes };
    this.batches++;
  }
}

interface AppenderOutcome {
  finished: boolean;
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** When the parent kills the appender: `delayMs` after it printed `afterBatches` batches. */
interface KillMoment {
  afterBatches: number;
  delayMs: number;
}

/** Runs the appender, recording each printed batch, and SIGKILLs it at `kill` (if given). */
function runAppender(args: AppenderArguments, checkpoint: PrintedCheckpoint, children: ChildProcess[], kill?: KillMoment): Promise<AppenderOutcome> {
  const child = spawn(process.execPath, [APPENDER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let pending = '';
  let printed = 0;
  let finished = false;
  child.stdout.on('data', (data: Buffer) => {
    const lines = (pending + data.toString()).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === 'finished') finished = true;
      else {
        const batch = JSON.parse(line) as { first: number; positions: SamplePosition[] };
        checkpoint.record(batch.first, batch.positions);
        // The delay places the kill anywhere in the next batch's write, fsync or shard finish.
        if (++printed === kill?.afterBatches) setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    }
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ finished, signal, code })));
}

/** What a kill left of the shard the checkpoint's samples end in. */
async function stateLeft(dir: string, resume: ShardResume | undefined): Promise<string> {
  const name = `shard-${String(resume?.shardIndex ?? 0).padStart(6, '0')}.tar`;
  if ((await shardFiles(dir)).includes(name)) return 'recorded shard finished';
  const size = (await stat(path.join(dir, `${name}.partial`))).size;
  const recorded = resume?.committedBytes ?? 0;
  if (size === recorded) return 'nothing after the recorded samples';
  return size === recorded + 1024 ? 'end marker after the recorded samples' : 'unrecorded bytes after the recorded samples';
}

describe('shard writer under SIGKILL', function () {
  this.timeout(300_000);
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-shard-crash-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged sample in exactly one complete shard across kills at random moments and resumes', async () => {
    const total = 400;
    const random = new SeededRandom(20_240_601);
    const checkpoint = new PrintedCheckpoint();
    let kills = 0;
    for (;;) {
      const args = { dir, options: OPTIONS, resume: checkpoint.resume, firstSample: checkpoint.nextSample, sampleCount: total, seed: random.integer(1, 2 ** 31) };
      const outcome = await runAppender(args, checkpoint, children, { afterBatches: random.integer(1, 6), delayMs: random.integer(0, 6) });
      if (outcome.finished) break;
      assert.equal(outcome.signal, 'SIGKILL', `the appender exited with ${outcome.code} (seed ${random.seed}, after ${kills} kills)`);
      kills++;
    }
    assert.ok(kills >= 20, `${kills} kills`);
    const shards = await assertShardsHold(dir, range(0, total).map((n) => testSample(n)), checkpoint.positions);
    assert.ok(shards.length > 10, `${shards.length} shards: the kills met many shard ends`);
  });

  it('resumes after a kill at each step of writing: within and after every write, before and after every fsync and rename', async () => {
    const options = { maxShardSamples: 4 };
    const total = 8;
    const states = new Set<string>();
    for (let step = 1, when: CrashStep['when'] = 'before'; ; [step, when] = when === 'before' ? [step, 'after'] : [step + 1, 'before']) {
      const stepDir = path.join(dir, `${step}-${when}`);
      const checkpoint = new PrintedCheckpoint();
      const args = { dir: stepDir, options, firstSample: 0, sampleCount: total, seed: 1, batchSize: 2, crash: { step, when } };
      const outcome = await runAppender(args, checkpoint, children);
      if (outcome.finished) break; // past the last step
      assert.equal(outcome.signal, 'SIGKILL', `step ${step} ${when}: the appender exited with ${outcome.code}`);
      states.add(await stateLeft(stepDir, checkpoint.resume));

      const resumed = await ShardWriter.open(stepDir, options, checkpoint.resume);
      for (let n = checkpoint.nextSample; n < total; n += 2) checkpoint.record(n, await resumed.append([testSample(n), testSample(n + 1)]));
      await resumed.finish();
      const shards = await assertShardsHold(stepDir, range(0, total).map((n) => testSample(n)), checkpoint.positions);
      assert.deepEqual(
        shards.map((shard) => shard.samples.length),
        [4, 4],
        `step ${step} ${when}`,
      );
    }
    assert.deepEqual([...states].sort(), ['end marker after the recorded samples', 'recorded shard finished', 'unrecorded bytes after the recorded samples']);
  });
});
