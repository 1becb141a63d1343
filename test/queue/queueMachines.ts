/**
 * Worker processes standing in for machines of a queue job, and what the tests read of the job's
 * folder: its chunks, committed or being worked on, their journals and their locks.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startCli, type CliResult } from '../cli/cliRun';

/** Short, so a test stands a dead machine's lease running out. */
export const LEASE_SECONDS = 2;
/** BullMQ's lock on a chunk of a worker that stopped answering, as short. */
export const LOCK_SECONDS = 2;
/** Each chunk's checkpoint in its folder: the CSV is videos.csv. */
export const CHECKPOINT_NAME = 'videos.vbk-checkpoint.json';

export interface Machine {
  name: string;
  /** Its own working folder: nothing it needs may come from the test's. */
  cwd: string;
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Its stderr so far, live (the result has it too, once it ended). */
  stderr(): string;
}

/** The environment of a process standing in for machine `name`. */
export function machineEnv(name: string): NodeJS.ProcessEnv {
  return { ...process.env, VBK_HOST: name, VBK_LEASE_SECONDS: String(LEASE_SECONDS) };
}

/** Starts `worker --exit-when-idle` processes named machine-<first>, machine-<first + 1>, …, each in a new folder under `parent`. */
export function startMachines(count: number, redisUrl: string, queue: string, parent: string, first = 0): Machine[] {
  return Array.from({ length: count }, (_, at) => {
    const name = `machine-${first + at}`;
    const cwd = mkdtempSync(path.join(parent, `${name}-`));
    const args = ['worker', '--redis', redisUrl, '--queue', queue, '--workers', '1', '--lock-seconds', String(LOCK_SECONDS), '--exit-when-idle'];
    const { child, done } = startCli(args, { cwd, env: machineEnv(name) });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return { name, cwd, child, done, stderr: () => stderr };
  });
}

const isAlive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** SIGKILLs (by pid) every machine still running and removes their folders. */
export async function endMachines(machines: readonly Machine[]): Promise<void> {
  for (const machine of machines) {
    if (isAlive(machine.child) && machine.child.pid) process.kill(machine.child.pid, 'SIGKILL');
    await machine.done;
    rmSync(machine.cwd, { recursive: true, force: true });
  }
}

/** Stops (SIGSTOP) or continues (SIGCONT) the running machines' processes, by pid. */
export function signalMachines(machines: readonly Machine[], signal: 'SIGSTOP' | 'SIGCONT'): void {
  for (const machine of machines) if (isAlive(machine.child) && machine.child.pid) process.kill(machine.child.pid, signal);
}

/** What a worker says as it stops: the chunks it ran and those it committed itself. */
export function workerSummary(result: CliResult): { chunks: number; committed: number } {
  const match = /worker stopped: (\d+) chunks run, (\d+) committed by this worker/.exec(result.stderr);
  if (!match) throw new Error(`the worker gave no summary (exit ${result.code}, ${result.signal ?? 'no signal'}):\n${result.stderr}`);
  return { chunks: Number(match[1]), committed: Number(match[2]) };
}

/** The job id `submit` prints. */
export function submittedJobId(result: CliResult): string {
  const match = /^job ([0-9a-f]{16}): \d+ rows in \d+ chunks/m.exec(result.stderr);
  if (!match) throw new Error(`submit printed no job id (exit ${result.code}):\n${result.stderr}`);
  return match[1];
}

const chunksFolder = (outputDir: string) => path.join(outputDir, 'chunks');

/** The committed chunks' folder names, in chunk order. */
export function committedChunks(outputDir: string): string[] {
  if (!existsSync(chunksFolder(outputDir))) return [];
  return readdirSync(chunksFolder(outputDir)).filter((name) => /^chunk-\d+$/.test(name)).sort();
}

/** The chunks committed or being worked on (their work folder is there), by name. */
export function startedChunks(outputDir: string): string[] {
  if (!existsSync(chunksFolder(outputDir))) return [];
  return [...new Set(readdirSync(chunksFolder(outputDir)).filter((name) => /^chunk-\d+(\.work)?$/.test(name)).map((name) => name.replace(/\.work$/, '')))].sort();
}

/** The committed chunk's checkpoint, or the one its attempts work on until it commits. */
export function chunkCheckpoint(outputDir: string, name: string, where: 'committed' | 'work'): string {
  return path.join(chunksFolder(outputDir), where === 'work' ? `${name}.work` : name, CHECKPOINT_NAME);
}

/** A journal's whole lines (what a killed writer is sure to have written), as bytes. */
export function wholeJournalLines(checkpointPath: string): Buffer {
  const journal = `${checkpointPath}.journal`;
  if (!existsSync(journal)) return Buffer.alloc(0);
  const bytes = readFileSync(journal);
  return bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
}

/** A chunk being worked on, not committed, whose journal holds at least one whole line. */
export function chunkUnderWay(outputDir: string): string | undefined {
  if (!existsSync(chunksFolder(outputDir))) return undefined;
  return readdirSync(chunksFolder(outputDir))
    .filter((name) => name.endsWith('.work'))
    .map((name) => name.slice(0, -'.work'.length))
    .find((name) => !existsSync(path.join(chunksFolder(outputDir), name)) && wholeJournalLines(chunkCheckpoint(outputDir, name, 'work')).length > 0);
}

/** Who holds a chunk's checkpoint lock, as the lock file says. */
export function lockHolder(checkpointPath: string): { host: string; pid: number } {
  return JSON.parse(readFileSync(`${checkpointPath}.lock`, 'utf8')) as { host: string; pid: number };
}
