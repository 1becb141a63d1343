import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { ProcessingRecord } from '../../kernel/src/index';
import { comparable, journalEntries, readResults, runCli, startCli, waitFor, type CliResult } from '../cli/cliRun';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import {
  chunkCheckpoint, chunkUnderWay, committedChunks, endMachines, lockHolder, LOCK_SECONDS, machineEnv, signalMachines, startedChunks, startMachines,
  submittedJobId, wholeJournalLines, workerSummary, type Machine,
} from './queueMachines';
import { RedisServer } from './redisServer';

const QUEUE = 'vbk-test';
const CHUNK_ROWS = 3;
/** 10 good videos and 4 problem rows (makeDataset): chunks of 3, 3, 3, 3 and 2 rows. */
const CHUNKS = 5;
const CHUNK_NAMES = Array.from({ length: CHUNKS }, (_, chunk) => `chunk-00000${chunk}`);

/** A process stopped while Redis is down ends in this long, or it waits for Redis. */
const STOP_MS = 20_000;

const passed = (run: CliResult, what: string) => assert.equal(run.code, 0, `${what}: exit ${run.code} ${run.signal ?? ''}\n${run.stderr}`);

/** The process's result, or undefined when it has not ended within `ms`. */
async function exitWithin(done: Promise<CliResult>, ms: number): Promise<CliResult | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  const result = await Promise.race([done, late]);
  clearTimeout(timer);
  return result;
}

/** Frame files as paths inside their output folder: a one-machine run and a queue job write the same ones. */
function framePaths(records: ProcessingRecord[], outputDir: string): string[][] {
  return records.map((record) => ((record.result as { frames?: { path?: string }[] } | undefined)?.frames ?? []).map((frame) => path.relative(outputDir, frame.path ?? '')));
}

/** The counts of a processing_stats.json, its errors by id (a run lists them as they happen, a merge in row order). */
function statsCounts(outputDir: string): unknown {
  const stats = JSON.parse(readFileSync(path.join(outputDir, 'processing_stats.json'), 'utf8')) as Record<string, unknown> & { errors: { id: string }[] };
  const { total_videos, processed, failed, skipped, errors_not_listed, dataset } = stats;
  return { total_videos, processed, failed, skipped, errors_not_listed, dataset, errors: [...stats.errors].sort((a, b) => a.id.localeCompare(b.id)) };
}

describe('queue job: workers on Redis standing in for machines, killed, Redis restarted, merged', function () {
  this.timeout(90_000);
  let data: DatasetFixture;
  let csvIds: string[];
  let reference: { records: unknown[]; frames: string[][]; stats: unknown };
  let server: RedisServer | undefined;
  let machines: Machine[] = [];
  /** The `submit --wait` processes of the test, ended with it whatever happened. */
  let followers: ChildProcess[] = [];
  let jobs = 0;
  /** A new output folder for each test's job. */
  let out: string;

  const jobFlags = ['--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'keyframes', '--num-frames', '4', '--size', '32', '--device', 'cpu', '--save-interval', '1'];
  const submitArgs = (extra: string[] = []) => ['submit', data.csvPath, '--redis', server!.url, '--queue', QUEUE, ...jobFlags, '--out', out, '--chunk-rows', String(CHUNK_ROWS), ...extra];
  const start = (count: number, first = 0) => {
    const started = startMachines(count, server!.url, QUEUE, data.dir, first);
    machines.push(...started);
    return started;
  };

  before(async function () {
    this.timeout(120_000);
    data = await makeDataset({ goodVideos: 10, frameCount: 20 });
    csvIds = readFileSync(data.csvPath, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    assert.equal(Math.ceil(csvIds.length / CHUNK_ROWS), CHUNKS);
    const single = path.join(data.dir, 'single');
    passed(await runCli(['process', data.csvPath, ...jobFlags, '--workers', '1', '--out', single]), 'the one-machine run');
    const records = readResults(single);
    reference = { records: records.map(comparable), frames: framePaths(records, single), stats: statsCounts(single) };
  });
  after(() => data?.cleanup());

  beforeEach(async () => {
    server = await RedisServer.start({ appendfsync: 'always' });
    out = path.join(data.dir, `job-${++jobs}`);
  });
  afterEach(async () => {
    await endMachines(machines);
    machines = [];
    for (const follower of followers) if (follower.exitCode === null && follower.signalCode === null && follower.pid) process.kill(follower.pid, 'SIGKILL');
    followers = [];
    // stop() signals the server by its pid and waits for it to exit, then removes its data.
    await server?.stop();
    server = undefined;
  });

  /** DIR's merged files are one machine's: every CSV row once, in CSV order, the same frames and counts. */
  function assertMergedLikeOneMachine(): void {
    const merged = readResults(out);
    assert.deepEqual(merged.map((record) => record.id), csvIds, 'every CSV row once, in CSV order');
    assert.deepEqual(merged.map(comparable), reference.records);
    assert.deepEqual(framePaths(merged, out), reference.frames);
    assert.ok(merged.flatMap((record) => framePaths([record], out)[0]).every((frame) => existsSync(path.join(out, frame))), 'the frames are where the records say');
    assert.deepEqual(statsCounts(out), reference.stats);
  }

  /** Every chunk committed, each journal without a row twice, and all of them together every row once. */
  function assertEveryRowOnce(): void {
    assert.deepEqual(committedChunks(out), CHUNK_NAMES);
    const rows = CHUNK_NAMES.map((name) => journalEntries(chunkCheckpoint(out, name, 'committed')).map((entry) => entry.row));
    for (const [chunk, chunkRows] of rows.entries()) assert.equal(new Set(chunkRows).size, chunkRows.length, `a row twice in chunk ${chunk}'s journal: ${chunkRows.join(',')}`);
    assert.deepEqual(rows.flat().sort((a, b) => a - b), csvIds.map((_, at) => at + 1), 'no row lost');
  }

  /** `submit --wait`, started once the chunks are queued: it follows the job to the end and merges. */
  function followJob(): { child: ChildProcess; done: Promise<CliResult> } {
    const waiter = startCli(submitArgs(['--wait']), { env: machineEnv('submitter') });
    followers.push(waiter.child);
    return waiter;
  }

  it('three workers: submit --wait merges what one machine makes, every chunk committed once', async () => {
    passed(await runCli(submitArgs(), { env: machineEnv('submitter') }), 'submit');
    const workers = start(3);
    const waited = await followJob().done;
    passed(waited, 'submit --wait');
    const summaries = (await Promise.all(workers.map((worker) => worker.done))).map((result, at) => {
      passed(result, workers[at].name);
      return workerSummary(result);
    });
    assert.equal(summaries.reduce((sum, summary) => sum + summary.committed, 0), CHUNKS, 'each chunk committed by one attempt');
    assertMergedLikeOneMachine();
    assertEveryRowOnce();
    assert.deepEqual(JSON.parse(waited.stdout), JSON.parse(readFileSync(path.join(out, 'processing_stats.json'), 'utf8')), 'submit --wait prints the merged stats');

    const status = JSON.parse((await runCli(['status', out, '--json'])).stdout) as { complete: boolean; parts: { name: string; state: string; rows: number }[]; dataset: { pending: number } };
    assert.equal(status.complete, true);
    assert.deepEqual(status.parts.map((part) => [part.name, part.state, part.rows]), CHUNK_NAMES.map((name, chunk) => [name, 'complete', chunk < CHUNKS - 1 ? CHUNK_ROWS : 2]));
    assert.equal(status.dataset.pending, 0);
  });

  it('workers started before the job is submitted wait for it, run it, and exit once it is done', async () => {
    const workers = start(2);
    await waitFor(() => workers.every((worker) => /worker on queue/.test(worker.stderr())), 30_000);
    // What is tested is time passing: idle checks (one a second) must find the queue empty before the job arrives.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    passed(await followJob().done, 'submit --wait');
    for (const [at, result] of (await Promise.all(workers.map((worker) => worker.done))).entries()) passed(result, workers[at].name);
    assertMergedLikeOneMachine();
  });

  it('a job submitted again after its folder was deleted runs again, not taken for done', async () => {
    passed(await runCli(submitArgs(), { env: machineEnv('submitter') }), 'submit');
    const first = start(1);
    passed(await followJob().done, 'the first submit --wait');
    passed(await first[0].done, first[0].name);
    rmSync(out, { recursive: true, force: true });
    passed(await runCli(submitArgs(), { env: machineEnv('submitter') }), 'the submit into the emptied folder');
    const again = start(1, 1);
    passed(await followJob().done, 'the second submit --wait');
    assert.equal(workerSummary(await again[0].done).committed, CHUNKS, 'every chunk ran again');
    assertMergedLikeOneMachine();
  });

  /**
   * Freezes every machine (SIGSTOP: nothing journals or commits while the test looks) once a chunk
   * is under way, and returns that chunk and the machine holding its lock; machines go on when no
   * such chunk is found frozen (it committed meanwhile).
   */
  async function freezeOnChunkUnderWay(workers: readonly Machine[]): Promise<{ chunk: string; holder: Machine }> {
    for (;;) {
      await waitFor(() => chunkUnderWay(out) !== undefined, 60_000);
      signalMachines(workers, 'SIGSTOP');
      const chunk = chunkUnderWay(out);
      const lock = chunk && existsSync(`${chunkCheckpoint(out, chunk, 'work')}.lock`) ? lockHolder(chunkCheckpoint(out, chunk, 'work')) : undefined;
      if (chunk && lock) {
        const holder = workers.find((worker) => worker.name === lock.host);
        assert.ok(holder, `the lock of ${chunk} names ${lock.host}, none of the machines`);
        assert.equal(lock.pid, holder.child.pid, 'the lock names the machine\'s worker process');
        return { chunk, holder };
      }
      signalMachines(workers, 'SIGCONT');
    }
  }

  it('a worker SIGKILLed mid-chunk: the others resume its chunk once the locks expire, no row twice or lost', async () => {
    passed(await runCli(submitArgs(), { env: machineEnv('submitter') }), 'submit');
    const workers = start(3);
    const waiting = followJob().done;
    const { chunk, holder } = await freezeOnChunkUnderWay(workers);
    holder.child.kill('SIGKILL');
    await holder.done;
    const killedAt = Date.now();
    const before = wholeJournalLines(chunkCheckpoint(out, chunk, 'work'));
    signalMachines(workers, 'SIGCONT');
    assert.equal(existsSync(path.join(out, 'chunks', chunk)), false, `${chunk} was not committed before the kill`);

    await waitFor(() => committedChunks(out).includes(chunk), 60_000);
    const takenAfter = Date.now() - killedAt;
    passed(await waiting, 'submit --wait');
    const survivors = workers.filter((worker) => worker !== holder);
    for (const worker of survivors) passed(await worker.done, worker.name);
    assert.ok(takenAfter >= LOCK_SECONDS * 1000, `the killed worker's chunk moved on after its lock expired, not ${takenAfter} ms after the kill`);

    const after = readFileSync(`${chunkCheckpoint(out, chunk, 'committed')}.journal`);
    assert.ok(before.length > 0 && after.subarray(0, before.length).equals(before), `${chunk} was resumed: its journal keeps the lines written before the kill`);
    assertEveryRowOnce();
    assertMergedLikeOneMachine();
  });

  it('Redis SIGKILLed and restarted on its data mid-run: the workers reconnect and the job completes', async () => {
    passed(await runCli(submitArgs(), { env: machineEnv('submitter') }), 'submit');
    const workers = start(2);
    const waiting = followJob().done;
    await waitFor(() => committedChunks(out).length >= 1, 60_000);
    await server!.kill();
    const notStarted = CHUNK_NAMES.filter((name) => !startedChunks(out).includes(name));
    assert.ok(notStarted.length > 0, 'Redis went down before every chunk was taken: the rest can only come from it once it is back');
    // Down until every worker has tried to reconnect and been refused, then back on the same append-only file.
    await waitFor(() => workers.every((worker) => /: connect ECONNREFUSED .*\(retrying\)/.test(worker.stderr())), 30_000).catch(() => {
      assert.fail(`not every worker tried to reconnect:\n${workers.map((worker) => `${worker.name}: ${worker.stderr()}`).join('\n')}`);
    });
    await server!.restart();
    passed(await waiting, 'submit --wait');
    const results = await Promise.all(workers.map((worker) => worker.done));
    results.forEach((result, at) => passed(result, `${workers[at].name}, which lived through the restart`));
    assert.equal(results.map(workerSummary).reduce((sum, summary) => sum + summary.committed, 0), CHUNKS, `these workers committed every chunk, ${notStarted.join(', ')} after the restart`);
    assertEveryRowOnce();
    assertMergedLikeOneMachine();
  });

  it('stopped (SIGTERM) while Redis is down, a worker and submit --wait exit 130 without waiting for it', async () => {
    passed(await runCli(submitArgs(), { env: machineEnv('submitter') }), 'submit');
    const [worker] = start(1);
    const waiter = followJob();
    await waitFor(() => committedChunks(out).length >= 1, 60_000);
    await server!.kill();
    await waitFor(() => /: connect ECONNREFUSED .*\(retrying\)/.test(worker.stderr()), 30_000);
    // submit --wait reads the progress every second: past that, it waits on a read Redis cannot answer.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    worker.child.kill('SIGTERM');
    waiter.child.kill('SIGTERM');
    const exits = await Promise.all([worker.done, waiter.done].map((done) => exitWithin(done, STOP_MS)));
    const said = exits.map((result, at) => `${['worker', 'submit --wait'][at]}: ${result ? `exit ${result.code}\n${result.stderr}` : `still running ${STOP_MS} ms after SIGTERM`}`);
    assert.deepEqual(exits.map((result) => result?.code), [130, 130], said.join('\n'));

    // Back on its data, the job completes: the stopped worker's chunk is given out again once its lock expires.
    await server!.restart();
    start(1, 1);
    passed(await followJob().done, 'submit --wait after the restart');
    assertEveryRowOnce();
    assertMergedLikeOneMachine();
  });

  it('submitting twice adds nothing: the same job id, one queue entry a chunk, the rows file written once', async () => {
    const first = await runCli(submitArgs(), { env: machineEnv('submitter') });
    passed(first, 'the first submit');
    const rowsFile = path.join(out, 'queue', 'rows.jsonl');
    const written = statSync(rowsFile);
    const second = await runCli(submitArgs(), { env: machineEnv('submitter') });
    passed(second, 'the second submit');
    const jobId = submittedJobId(first);
    assert.equal(submittedJobId(second), jobId);
    const again = statSync(rowsFile);
    assert.deepEqual([again.ino, again.mtimeMs, again.size], [written.ino, written.mtimeMs, written.size], 'rows.jsonl was not rewritten');

    const redis = new Redis(server!.url);
    const queue = new Queue(QUEUE, { connection: redis });
    try {
      const counts = await queue.getJobCounts();
      assert.equal(Object.values(counts).reduce((sum, count) => sum + count, 0), CHUNKS, `one queue entry a chunk: ${JSON.stringify(counts)}`);
      // A job's hash is bull:<queue>:<id>; its lock, logs and the like have a further ':<name>'.
      const keys = (await redis.keys(`bull:${QUEUE}:${jobId}-*`)).filter((key) => !key.slice(`bull:${QUEUE}:`.length).includes(':'));
      assert.deepEqual(keys.sort(), CHUNK_NAMES.map((_, chunk) => `bull:${QUEUE}:${jobId}-${chunk}`));
      assert.equal(counts.waiting, CHUNKS);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('merge refuses (exit 3, naming them) while chunks are pending; status lists every chunk with its state', async () => {
    passed(await runCli(submitArgs(), { env: machineEnv('submitter') }), 'submit');
    const readStatus = async () => JSON.parse((await runCli(['status', out, '--json'])).stdout) as { complete: boolean; unfinished: string[]; parts: { name: string; state: string; rows: number; processed: number; failed: number; skipped: number }[] };
    const queued = await readStatus();
    assert.deepEqual(queued.parts.map((part) => [part.name, part.state]), CHUNK_NAMES.map((name) => [name, 'not_started']));
    const early = await runCli(['merge', out]);
    assert.equal(early.code, 3, early.stderr);
    for (const name of CHUNK_NAMES) assert.match(early.stderr, new RegExp(name));

    // One machine, stopped (SIGTERM) in its second chunk: one chunk is complete, the rest are not.
    const [worker] = start(1);
    await waitFor(() => committedChunks(out).length >= 1 && chunkUnderWay(out) !== undefined, 60_000);
    worker.child.kill('SIGTERM');
    assert.equal((await worker.done).code, 130, worker.stderr());
    const stopped = await readStatus();
    const complete = stopped.parts.filter((part) => part.state === 'complete').map((part) => part.name);
    assert.ok(complete.length >= 1 && complete.length < CHUNKS, JSON.stringify(stopped.parts));
    assert.deepEqual(stopped.unfinished, CHUNK_NAMES.filter((name) => !complete.includes(name)));
    for (const part of stopped.parts) {
      assert.ok(['complete', 'interrupted', 'not_started'].includes(part.state), `${part.name}: ${part.state}`);
      const settled = part.processed + part.failed + part.skipped;
      if (part.state === 'interrupted') assert.ok(settled > 0 && settled < part.rows, `${part.name}: ${settled}/${part.rows}`);
    }
    const refused = await runCli(['merge', out]);
    assert.equal(refused.code, 3, refused.stderr);
    for (const name of CHUNK_NAMES) assert.equal(new RegExp(name).test(refused.stderr), !complete.includes(name), `${name} in: ${refused.stderr}`);
    assert.equal(existsSync(path.join(out, 'processing_results.json')), false, 'an unfinished job leaves no merged results');

    start(1, 1);
    passed(await followJob().done, 'submit --wait');
    assertEveryRowOnce();
    assertMergedLikeOneMachine();
  });
});
