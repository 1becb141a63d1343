import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import { comparable, journalEntries, readResults, startCli } from '../cli/cliRun';
import { processesInGroup, waitUntilGone } from './processTree';
import { SeededRandom } from './seededRandom';
import { readShardsWithPython } from '../outputs/tarReadBack';

/**
 * SIGKILLs the CLI at random moments until the job completes, again and again, and checks each
 * completed job against an uninterrupted run. `npm test` runs the short variant with a fixed seed;
 * `npm run soak` sets VBK_SOAK_KILLS and, unless VBK_SOAK_SEED is set, a new seed each time. A seed
 * fixes the schedule (which phase, how far into it each kill lands); the moments themselves follow
 * the run's own timing, so a replay lands its kills near, not exactly at, the same writes.
 */
const KILLS = Number(process.env.VBK_SOAK_KILLS ?? 10);
const FIXED_SEED = 20261125;
const SEED = process.env.VBK_SOAK_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.VBK_SOAK_SEED ?? FIXED_SEED);
/** Videos in the generated dataset (the CSV also holds a broken, a missing, a duplicate and an empty row). */
const GOOD_VIDEOS = 40;
/** A job still unfinished after this many kills is stuck, not unlucky. */
const ATTEMPTS_PER_JOB = 60;

/**
 * Where in a run the kill lands. `startup`: within the time a run takes to read the CSV, take the
 * lock and open the checkpoint; `anytime`: anywhere in a whole run's duration, mostly mid-video;
 * `midWrite`: as an atomic rewrite (results, stats, manifest) has created its temporary file;
 * `afterVideo`: as a video's outcome has just been appended to the journal.
 */
const PHASES = ['startup', 'anytime', 'midWrite', 'afterVideo'] as const;
type Phase = (typeof PHASES)[number];

interface RunTiming {
  startupMs: number;
  totalMs: number;
}

/** Arms the kill for one attempt; returns the disarm function. */
function armKill(phase: Phase, child: ChildProcess, jobDir: string, timing: RunTiming, random: SeededRandom): () => void {
  const kill = () => child.kill('SIGKILL');
  if (phase === 'startup' || phase === 'anytime') {
    const at = phase === 'startup' ? random.between(0, timing.startupMs) : random.between(0, timing.totalMs);
    const timer = setTimeout(kill, at);
    return () => clearTimeout(timer);
  }
  const wanted = phase === 'midWrite' ? (name: string) => name.endsWith('.tmp') : (name: string) => name.endsWith('.journal');
  let countdown = random.integer(1, 6);
  const watcher: FSWatcher = watch(jobDir, (_event, name) => {
    if (name && wanted(name) && --countdown === 0) kill();
  });
  return () => watcher.close();
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(dir, path.join(prefix, entry.name)) : [path.join(prefix, entry.name)],
  );
}

/** How a job writes its frames: the files it may leave, and a check of its frames beyond the results. */
interface FormatUnderTest {
  flags: string[];
  /** Output files a finished job may hold besides the checkpoint and the results files. */
  frameFile: RegExp;
  checkFrames(jobDir: string, processedIds: string[], context: string): Promise<void>;
}

const FORMATS: Record<'files' | 'webdataset', FormatUnderTest> = {
  files: { flags: [], frameFile: /^keyframes\/[^/]+\/frame_\d+\.jpg$/, checkFrames: async () => undefined },
  webdataset: {
    // Shards of 7 samples: a job of 40 videos rolls five times, so kills land around renames too.
    flags: ['--format', 'webdataset', '--tar-max-samples', '7'],
    frameFile: /^shards\/shard-\d{6}\.tar$/,
    async checkFrames(jobDir, processedIds, context) {
      const shards = filesUnder(jobDir).filter((file) => file.endsWith('.tar')).map((file) => path.join(jobDir, file));
      const ids = (await readShardsWithPython(shards)).flatMap((shard) => shard.samples.map((sample) => (JSON.parse(sample.files[0].text!) as { id: string }).id));
      assert.deepEqual([...ids].sort(), [...processedIds].sort(), `every processed video in exactly one shard; ${context}`);
    },
  },
};

for (const [formatName, format] of Object.entries(FORMATS)) describe(`kill soak (${formatName}): SIGKILL at random moments, resume until done`, function () {
  let data: DatasetFixture;
  let expected: unknown[];
  let timing: RunTiming;
  const args = (jobDir: string) => [
    'process', data.csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'keyframes', '--num-frames', '4', '--size', '32',
    '--workers', '2', '--device', 'cpu', '--save-interval', '1', '--out', jobDir, '--checkpoint', path.join(jobDir, 'job.json'), ...format.flags,
  ];

  before(async function () {
    data = await makeDataset({ goodVideos: GOOD_VIDEOS, frameCount: 20 });
    const referenceDir = path.join(data.dir, 'reference');
    await mkdir(referenceDir);
    const started = performance.now();
    const { child, done } = startCli(args(referenceDir));
    let startupMs = 0;
    child.stderr!.on('data', (chunk: Buffer) => {
      if (!startupMs && /videos;/.test(chunk.toString())) startupMs = performance.now() - started;
    });
    const reference = await done;
    assert.equal(reference.code, 0, reference.stderr);
    timing = { startupMs, totalMs: performance.now() - started };
    expected = readResults(referenceDir).map(comparable);
  });
  after(() => data?.cleanup());

  it(`survives ${KILLS} kills (seed ${SEED}) with every video once and the results of an uninterrupted run`, async function () {
    if (process.env.VBK_SOAK_KILLS) this.timeout(0);
    const random = new SeededRandom(SEED);
    const killsByPhase: Record<Phase, number> = { startup: 0, anytime: 0, midWrite: 0, afterVideo: 0 };
    const started = performance.now();
    let kills = 0;
    let jobs = 0;
    const context = () => `seed ${SEED}, job ${jobs}, after ${kills} kills (VBK_SOAK_SEED=${SEED} replays its schedule)`;
    while (kills < KILLS) {
      jobs++;
      const jobDir = path.join(data.dir, `job-${jobs}`);
      await mkdir(jobDir);
      for (let attempt = 1; ; attempt++) {
        assert.ok(attempt <= ATTEMPTS_PER_JOB, `job not finished after ${ATTEMPTS_PER_JOB} attempts; ${context()}`);
        const phase = random.pick(PHASES);
        const { child, done } = startCli(args(jobDir), { detached: true });
        const disarm = armKill(phase, child, jobDir, timing, random);
        const outcome = await done;
        disarm();
        const leftover = await waitUntilGone(() => processesInGroup(child.pid!), 10_000);
        assert.deepEqual(leftover, [], `processes outlived the killed CLI (${phase}); ${context()}`);
        if (outcome.code === 0) break;
        assert.equal(outcome.signal, 'SIGKILL', `the run ended with ${outcome.code} instead; ${context()}\n${outcome.stderr}`);
        kills++;
        killsByPhase[phase]++;
      }
      assert.deepEqual(readResults(jobDir).map(comparable), expected, `results differ from the uninterrupted run; ${context()}`);
      const rows = journalEntries(path.join(jobDir, 'job.json')).map((entry) => entry.row);
      assert.equal(rows.length, expected.length, `journal lines; ${context()}`);
      assert.equal(new Set(rows).size, rows.length, `a row recorded twice; ${context()}`);
      const stats = JSON.parse(readFileSync(path.join(jobDir, 'processing_stats.json'), 'utf8')) as Record<string, number>;
      assert.equal(stats.total_videos, expected.length);
      const stray = filesUnder(jobDir).filter(
        (file) => !['job.json', 'job.json.journal', 'processing_results.json', 'processing_results.parquet', 'processing_stats.json'].includes(file) && !format.frameFile.test(file),
      );
      assert.deepEqual(stray, [], `files left behind by killed runs; ${context()}`);
      const processedIds = readResults(jobDir).filter((record) => record.status === 'processed').map((record) => record.id);
      await format.checkFrames(jobDir, processedIds, context());
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `      survived ${kills} kills over ${jobs} jobs in ${seconds} s (seed ${SEED}; ` +
        `${PHASES.map((phase) => `${phase} ${killsByPhase[phase]}`).join(', ')}); an uninterrupted run takes ${(timing.totalMs / 1000).toFixed(1)} s`,
    );
  });
});
