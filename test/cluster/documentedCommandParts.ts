import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProcessingRecord } from '../../kernel/src/index';
import { CLI_SCRIPT, type CliResult } from '../cli/cliRun';

export const DOCS = path.resolve(__dirname, '../../../docs/cluster');

/**
 * A folder holding `video-batch-kernel`, as an installed package puts it on PATH: a fixed script
 * that runs this clone's build. The Node and CLI paths reach it through the environment, so no
 * path is ever spliced into shell text.
 */
export async function commandOnPath(dir: string): Promise<{ env: NodeJS.ProcessEnv }> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const shim = path.join(bin, 'video-batch-kernel');
  await writeFile(shim, '#!/bin/sh\nexec "$DOCUMENTED_COMMANDS_NODE" "$DOCUMENTED_COMMANDS_CLI" "$@"\n');
  await chmod(shim, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, DOCUMENTED_COMMANDS_NODE: process.execPath, DOCUMENTED_COMMANDS_CLI: CLI_SCRIPT };
  // A test run inside a Slurm job or a pod must not look like an array task or an index to the
  // documented commands, nor requeue the job it runs in.
  for (const name of Object.keys(env)) if (name.startsWith('SLURM_') || name === 'JOB_COMPLETION_INDEX' || name === 'VBK_HOST') delete env[name];
  return { env };
}

export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The first group of `pattern` in a documented file: a command its comments give, e.g. the merge's `--wrap "…"`. */
export async function documentedLine(file: string, pattern: RegExp): Promise<string> {
  const text = await readFile(file, 'utf8');
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`${path.basename(file)} documents no line matching ${pattern}`);
  return match[1];
}

function plainScalar(text: string, where: string): string {
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) return JSON.parse(text) as string;
  if (/^'(?:[^']|'')*'$/.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  // Anything YAML would read otherwise (flow lists, anchors, block scalars, comments) is beyond
  // this reader: refuse it rather than run a command that differs from what Kubernetes would run.
  if (/^[[{&*!|>%@`#]/.test(text) || / #/.test(text)) throw new Error(`${where}: '${text}' is more YAML than this reader takes`);
  return text;
}

/**
 * A block sequence `key:` of plain or quoted scalars, as the manifest writes `command:` and
 * `args:`; undefined when the key is absent. Comment lines between the items are skipped.
 */
export function yamlList(text: string, key: string): string[] | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\s*${key}:\\s*$`).test(line));
  if (start < 0) return undefined;
  const keyIndent = /^\s*/.exec(lines[start])![0].length;
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^(\s*)- (.*)$/.exec(line);
    if (!item || item[1].length < keyIndent) break;
    items.push(plainScalar(item[2].trim(), `${key}[${items.length}]`));
  }
  return items;
}

/** A `key: <whole number>` of the manifest (it has one of each it is asked for). */
export function yamlNumber(text: string, key: string): number {
  const found = [...text.matchAll(new RegExp(`^\\s*${key}:\\s*(\\d+)\\s*$`, 'gm'))];
  if (found.length !== 1) throw new Error(`expected one '${key}:' in the manifest, found ${found.length}`);
  return Number(found[0][1]);
}

/** Records as two runs of the same job give them alike: without `time`, the output folder named `<out>`. */
export async function comparableResults(outputDir: string): Promise<unknown[]> {
  const text = await readFile(path.join(outputDir, 'processing_results.json'), 'utf8');
  const records = JSON.parse(text.split(JSON.stringify(outputDir).slice(1, -1)).join('<out>')) as ProcessingRecord[];
  return records.map(({ time: _time, ...rest }) => rest);
}

/** Every frame file a results file names. */
export function framePaths(records: unknown[]): string[] {
  return records.flatMap((record) => ((record as { result?: { frames?: { path?: string }[] } }).result?.frames ?? []).flatMap((frame) => (frame.path ? [frame.path] : [])));
}
