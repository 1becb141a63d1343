import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeDataset, type DatasetFixture } from '../processor/processorFixture';
import type { CliResult } from '../cli/cliRun';
import { commandOnPath, comparableResults, DOCS, documentedLine, framePaths, runProgram, yamlList, yamlNumber } from './documentedCommandParts';

const SLURM_SCRIPT = path.join(DOCS, 'slurm-array.sh');
const INDEXED_JOB = path.join(DOCS, 'indexed-job.yaml');
const SLURM_TASKS = 3;

const passed = (run: CliResult, what: string) => assert.equal(run.code, 0, `${what}: exit ${run.code}\n${run.stderr}`);

/**
 * The cluster recipes in docs/cluster/ run as written: the Slurm script by bash for every task of
 * a small array, the Indexed Job's container command for every completion index, each followed by
 * the merge its comments give, and the merged results are those of one machine running the CSV.
 */
describe('documented cluster commands', function () {
  this.timeout(300_000);
  let data: DatasetFixture;
  let env: NodeJS.ProcessEnv;
  /** The CSV in a folder of its own on the "shared volume", as the recipes expect it. */
  let csvPath: string;
  let csvIds: string[];
  let expected: unknown[];
  let expectedDataset: unknown;

  const datasetOf = async (outputDir: string) => (JSON.parse(await readFile(path.join(outputDir, 'processing_stats.json'), 'utf8')) as { dataset: unknown }).dataset;

  before(async () => {
    data = await makeDataset({ goodVideos: 8, frameCount: 60 });
    const csv = await readFile(data.csvPath, 'utf8');
    await mkdir(path.join(data.dir, 'data'));
    csvPath = path.join(data.dir, 'data', 'videos.csv');
    await writeFile(csvPath, csv.replace(/,videos\//g, ',../videos/'));
    csvIds = csv.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    ({ env } = await commandOnPath(data.dir));
    const reference = path.join(data.dir, 'one-machine');
    const args = ['process', csvPath, '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'keyframes', '--num-frames', '16', '--workers', '2'];
    passed(await runProgram('video-batch-kernel', [...args, '--out', reference, '--checkpoint', path.join(reference, 'checkpoint.json')], env), 'the one-machine run');
    expected = await comparableResults(reference);
    expectedDataset = await datasetOf(reference);
  });
  after(() => data.cleanup());

  /** The merged job holds every CSV row once, in CSV order, as one machine gave it, and its frames. */
  async function assertMergedLikeOneMachine(outputDir: string, shards: number): Promise<void> {
    const merged = await comparableResults(outputDir);
    assert.deepEqual(merged.map((record) => (record as { id: string }).id), csvIds, 'every CSV row once, in CSV order');
    assert.deepEqual(merged, expected);
    assert.deepEqual(await datasetOf(outputDir), expectedDataset);
    const frames = framePaths(merged).map((frame) => frame.replace('<out>', outputDir));
    assert.ok(frames.length > 0 && frames.every((frame) => existsSync(frame)), 'the frames the records name are where they say');
    const folders = (await readdir(outputDir)).filter((name) => /^shard-\d+-of-\d+$/.test(name));
    assert.equal(folders.length, shards, `one folder per shard: ${folders.join(', ')}`);
  }

  it('runs the Slurm array script with bash for every task, then the merge and status its comments give', async () => {
    const out = path.join(data.dir, 'slurm-out');
    const task = (id: number) => runProgram('bash', [SLURM_SCRIPT], {
      ...env, CSV: csvPath, OUT: out, SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: String(SLURM_TASKS), SLURM_CPUS_PER_TASK: '1',
    });
    const merge = await documentedLine(SLURM_SCRIPT, /--wrap "([^"]+)"/);
    const status = await documentedLine(SLURM_SCRIPT, /^#\s+(video-batch-kernel status .+)$/m);
    const shell = (line: string) => runProgram('bash', ['-c', line], { ...env, OUT: out });

    const firstTasks = await Promise.all([0, 1].map(task));
    firstTasks.forEach((run, id) => passed(run, `task ${id}`));
    const early = await shell(merge);
    assert.equal(early.code, 3, `a merge with task 2 not run exits 3\n${early.stderr}`);
    assert.match(early.stderr, /shard-0*2-of-0*3/, 'it names the unfinished shard');

    passed(await task(2), 'task 2');
    passed(await shell(status), status);
    passed(await shell(merge), merge);
    await assertMergedLikeOneMachine(out, SLURM_TASKS);
  });

  it('runs the Indexed Job\'s container command for every completion index, then the merge its comments give', async () => {
    const manifest = await readFile(INDEXED_JOB, 'utf8');
    const argv = [...(yamlList(manifest, 'command') ?? []), ...(yamlList(manifest, 'args') ?? [])];
    const completions = yamlNumber(manifest, 'completions');
    assert.equal(argv[argv.indexOf('--shards') + 1], String(completions), '--shards equals completions');
    assert.match(manifest, /- name: VBK_HOST\s+valueFrom:\s+fieldRef:\s+fieldPath: metadata\.name\s/, 'VBK_HOST is the pod\'s name');
    // The volume is mounted at /shared; here that is the dataset's folder.
    const mounted = (arg: string) => (arg === '/shared' || arg.startsWith('/shared/') ? path.join(data.dir, arg.slice('/shared'.length)) : arg);
    const [program, ...args] = argv.map(mounted);

    const pods = Array.from({ length: completions }, (_, index) => runProgram(program, args, { ...env, JOB_COMPLETION_INDEX: String(index), VBK_HOST: `vbk-keyframes-${index}-pod` }));
    (await Promise.all(pods)).forEach((run, index) => passed(run, `index ${index}`));

    const merge = (await documentedLine(INDEXED_JOB, /^#\s+(video-batch-kernel merge \S+)/m)).split(' ').map(mounted);
    passed(await runProgram(merge[0], merge.slice(1), env), merge.join(' '));
    await assertMergedLikeOneMachine(path.join(data.dir, 'out'), completions);
  });
});
