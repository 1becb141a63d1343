/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into a fresh project with
 * no network (dependencies from npm's cache, which the project's own install filled), the README's
 * ten-line example type-checked against the installed declarations and run on generated videos,
 * and the `video-batch-kernel` command through npx.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ProcessingRecord } from '../../kernel/src/index';
import { generateVideo } from '../../samples/videoGenerator';

const execFileAsync = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** The README's "library in ten lines" block, as a user would paste it. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('The library in ten lines'));
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  assert.ok(code, 'the README has a "The library in ten lines" section with a ts block');
  return code;
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  [key: string]: unknown;
}

/**
 * A lockfile for a project that depends only on the packed tarball, with every other package at the
 * version the project's own lockfile holds: `npm ci --offline` then installs from npm's cache alone
 * (a plain `npm install` would need the registry's package documents, which `npm ci` never caches).
 */
async function consumerLockfile(tarball: string, integrity: string): Promise<object> {
  const rootLock = JSON.parse(await readFile(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const root = rootLock.packages['']!;
  const manifest = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; bin: object; license: string };
  const spec = `file:../${tarball}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version, resolved: spec, integrity, license: manifest.license, dependencies: root.dependencies, bin: manifest.bin,
    },
  };
  for (const [location, entry] of Object.entries(rootLock.packages)) {
    // devOptional: needed by dev and by optional production packages, so the consumer may need it too.
    if (location && !entry.dev) packages[location] = entry;
  }
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages };
}

describe('the npm package, installed from its tarball', function () {
  this.timeout(300_000);
  let dir: string;
  let project: string;
  // node-av's postinstall downloads an ffmpeg program this package does not use; SKIP_FFMPEG is its switch.
  const env = { ...process.env, SKIP_FFMPEG: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-package-'));
    project = path.join(dir, 'consumer');
    const { stdout } = await execFileAsync(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: REPO, env, maxBuffer: 64 * 2 ** 20 });
    const [packed] = JSON.parse(stdout) as { filename: string; integrity: string; files: { path: string }[] }[];
    const files = packed!.files.map((file) => file.path);
    assert.ok(files.includes('dist/index.js') && files.includes('dist/cli.js') && files.includes('dist/decodeWorker.js'), 'the bundles are packed');
    assert.ok(files.includes('out/kernel/src/index.d.ts'), 'the type declarations are packed');
    assert.ok(!files.some((file) => file.startsWith('test/') || file.startsWith('kernel/') || file.endsWith('.test.js')), 'no sources or tests');
    await mkdir(project, { recursive: true });
    const dependencies = { 'video-batch-kernel': `file:../${packed!.filename}` };
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
    await writeFile(path.join(project, 'package-lock.json'), JSON.stringify(await consumerLockfile(packed!.filename, packed!.integrity), null, 2));
    await execFileAsync(NPM, ['ci', '--offline'], { cwd: project, env, maxBuffer: 64 * 2 ** 20 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('type-checks the README example against the installed declarations, and runs it on real videos', async () => {
    await writeFile(path.join(project, 'example.mts'), await readmeExample());
    const compile = ['--strict', '--target', 'es2022', '--module', 'node16', '--moduleResolution', 'node16', '--skipLibCheck', '--typeRoots', path.join(REPO, 'node_modules', '@types'), '--types', 'node', 'example.mts'];
    await execFileAsync(process.execPath, [TSC, ...compile], { cwd: project }).catch((error: { stdout?: string }) => {
      throw new Error(`the README example does not type-check against the package:\n${error.stdout}`);
    });
    const rows = ['video_id,video_path'];
    for (const id of ['a', 'b']) {
      await generateVideo({ path: path.join(project, 'data', 'videos', `${id}.mp4`), codec: 'h264', width: 160, height: 96, fps: 25, frameCount: 20, gop: 10 });
      rows.push(`${id},videos/${id}.mp4`);
    }
    await writeFile(path.join(project, 'data', 'videos.csv'), `${rows.join('\n')}\n`);
    const { stdout } = await execFileAsync(process.execPath, ['example.mjs'], { cwd: project, env });
    assert.match(stdout, /total_videos: 2/);
    const records = JSON.parse(await readFile(path.join(project, 'outputs', 'processing_results.json'), 'utf8')) as ProcessingRecord[];
    assert.deepEqual(records.map((record) => [record.id, record.status]), [['a', 'processed'], ['b', 'processed']]);
    assert.equal((await readdir(path.join(project, 'outputs', 'keyframes', 'a'))).filter((name) => name.endsWith('.jpg')).length, 16);
  });

  it('gives the video-batch-kernel command', async () => {
    const { stdout } = await execFileAsync(NPX, ['--offline', 'video-batch-kernel', '--help'], { cwd: project, env });
    assert.match(stdout, /^Usage: video-batch-kernel <command>/);
    const version = await execFileAsync(NPX, ['--offline', 'video-batch-kernel', '--version'], { cwd: project, env });
    const manifest = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), manifest.version);
  });
});
