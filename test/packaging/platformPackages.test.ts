import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { binaryFormat, type BinaryFormat } from './binaryFormat';
import { extractVsix, NATIVE_FILE, readVsix, targetPlatform, type VsixContents } from './vsixArchive';

const execFileAsync = promisify(execFile);

const ROOT = path.resolve(__dirname, '../../..');
const PACKAGE_SCRIPT = path.join(ROOT, 'packaging', 'packageExtension.mjs');
/** Where the packaging writes the .vsix files and its summary of them. */
const VSIX_DIR = path.join(ROOT, 'out', 'vsix');

/** Each published platform, the node-av binary package it must carry, and that binary's format. */
const EXPECTED_TARGETS: { target: string; nativePackage: string; format: BinaryFormat }[] = [
  { target: 'linux-x64', nativePackage: '@seydx/node-av-linux-x64', format: 'ELF x86-64' },
  { target: 'linux-arm64', nativePackage: '@seydx/node-av-linux-arm64', format: 'ELF aarch64' },
  { target: 'darwin-x64', nativePackage: '@seydx/node-av-darwin-x64', format: 'Mach-O x86_64' },
  { target: 'darwin-arm64', nativePackage: '@seydx/node-av-darwin-arm64', format: 'Mach-O arm64' },
  { target: 'win32-x64', nativePackage: '@seydx/node-av-win32-x64-msvc', format: 'PE x86-64' },
];

/**
 * Dependencies the package leaves out, and their folders: the one only the build uses (the bundles
 * in dist/ are built already), and the job queue's client, which is bundled into dist/.
 */
const UNPACKED_DEPENDENCIES = ['esbuild', 'bullmq', 'ioredis'];
const UNPACKED_FOLDERS = ['esbuild/', '@esbuild/', 'bullmq/', 'ioredis/', 'msgpackr-extract/', '@msgpackr-extract/'].map((folder) => path.posix.join('extension', 'node_modules', folder));

interface PackagingSummary {
  packages: { target: string; file: string; bytes: number }[];
}

/** The parts of the packaged package.json that name files the extension loads. */
interface ExtensionManifest {
  main: string;
  types: string;
  dependencies: Record<string, string>;
  contributes: {
    notebookRenderer: { entrypoint: string }[];
    walkthroughs: { steps: { media: { image?: string; markdown?: string } }[] }[];
  };
}

/** The archive entry of a path in the extension's folder, e.g. `./dist/x.js` → `extension/dist/x.js`. */
const entryOf = (extensionPath: string): string => path.posix.join('extension', extensionPath);

describe('Platform packages (.vsix)', function () {
  const archives = new Map<string, VsixContents>();
  const vsixPaths = new Map<string, string>();

  before(async function () {
    // Packaging all targets takes about a minute; packages made from the same inputs are reused.
    this.timeout(10 * 60_000);
    try {
      await execFileAsync(process.execPath, [PACKAGE_SCRIPT, '--reuse-fresh'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`packaging failed:\n${(stdout ?? '').slice(-4000)}\n${(stderr ?? '').slice(-4000)}`);
    }
    const summary = JSON.parse(await readFile(path.join(VSIX_DIR, 'packages.json'), 'utf8')) as PackagingSummary;
    assert.deepEqual(summary.packages.map((vsix) => vsix.target).sort(), EXPECTED_TARGETS.map((expected) => expected.target).sort());
    for (const vsix of summary.packages) {
      vsixPaths.set(vsix.target, path.join(VSIX_DIR, vsix.file));
      archives.set(vsix.target, await readVsix(path.join(VSIX_DIR, vsix.file)));
    }
  });

  for (const expected of EXPECTED_TARGETS) {
    it(`${expected.target}: declares its platform and carries only ${expected.nativePackage}'s native code (${expected.format})`, () => {
      const archive = archives.get(expected.target)!;
      assert.equal(targetPlatform(archive.vsixManifest), expected.target);
      const nativePrefix = entryOf(`node_modules/${expected.nativePackage}/`);
      const natives = archive.entries.filter((entry) => NATIVE_FILE.test(entry));
      assert.ok(natives.includes(`${nativePrefix}node-av.node`), `no node-av.node of ${expected.nativePackage}`);
      for (const native of natives) {
        assert.ok(native.startsWith(nativePrefix), `${native} is not ${expected.nativePackage}'s`);
        assert.equal(binaryFormat(archive.nativeHeads.get(native)!), expected.format, native);
      }
      const otherBuilds = archive.entries.filter((entry) => entry.startsWith(entryOf('node_modules/@seydx/')) && !entry.startsWith(nativePrefix));
      assert.deepEqual(otherBuilds, []);
    });
  }

  it('each holds the files its package.json names, the sample notebook and the runtime dependencies, not the build-only or bundled ones', () => {
    for (const [target, archive] of archives) {
      const manifest = JSON.parse(archive.packageJson) as ExtensionManifest;
      const media = manifest.contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps.flatMap((step) => [step.media.image, step.media.markdown]));
      const named = [manifest.main, manifest.types, ...manifest.contributes.notebookRenderer.map((renderer) => renderer.entrypoint), ...media];
      const runtimePackages = Object.keys(manifest.dependencies).filter((name) => !UNPACKED_DEPENDENCIES.includes(name));
      const required = [
        ...named.filter((file): file is string => file !== undefined).map(entryOf),
        entryOf('samples/sample.ipynb'),
        ...runtimePackages.map((name) => entryOf(`node_modules/${name}/package.json`)),
      ];
      const entries = new Set(archive.entries);
      assert.deepEqual(required.filter((entry) => !entries.has(entry)), [], `${target} lacks these`);
      const unpacked = archive.entries.filter((entry) => UNPACKED_FOLDERS.some((folder) => entry.startsWith(folder)));
      assert.deepEqual(unpacked, [], `${target} carries build-only or bundled packages`);
    }
  });

  it('linux-x64: the unpacked extension generates the sample videos and processes them with its own node-av', async function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') this.skip();
    this.timeout(120_000);
    const dir = await mkdtemp(path.join(tmpdir(), 'vbk-vsix-run-'));
    try {
      await extractVsix(vsixPaths.get('linux-x64')!, path.join(dir, 'unpacked'));
      const dist = path.join(dir, 'unpacked', 'extension', 'dist');
      const dataset = path.join(dir, 'dataset');
      // Outside the repository, so node-av can only resolve from the unpacked extension's node_modules.
      const env = { ...process.env, NODE_PATH: '' };
      await execFileAsync(process.execPath, [path.join(dist, 'generateSamples.js'), dataset], { cwd: dir, env });
      const out = path.join(dataset, 'out');
      await execFileAsync(
        process.execPath,
        [path.join(dist, 'cli.js'), 'process', path.join(dataset, 'videos.csv'), '--video-col', 'video_path', '--id-col', 'video_id', '--fn', 'metadata', '--out', out],
        { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 },
      );
      const records = JSON.parse(await readFile(path.join(out, 'processing_results.json'), 'utf8')) as { status: string; error?: string; result?: { num_frames?: number; codec?: string } }[];
      const processed = records.filter((record) => record.status === 'processed');
      assert.ok(processed.length >= 10, `only ${processed.length} of ${records.length} videos processed`);
      for (const record of processed) assert.ok((record.result?.num_frames ?? 0) > 0 && record.result?.codec, JSON.stringify(record));
      // Only the sample set's deliberately broken and missing files fail.
      for (const record of records.filter((each) => each.status !== 'processed')) assert.match(record.error ?? '', /Invalid data found|file not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
