/**
 * Runs one install step (apt-get, npm, tar) with its output appended to the install log, so a failure
 * can point at the whole story instead of flooding the test report.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';

export interface LoggedCommand {
  executable: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** A step that hangs (a stalled download) is killed, with everything it started. */
  timeoutMs: number;
}

/** Resolves when the command exits with 0; rejects with a message naming the command and the log. */
export function runLogged(command: LoggedCommand): Promise<void> {
  const commandLine = [command.executable, ...command.args].join(' ');
  appendFileSync(command.logFile, `\n$ ${commandLine}${command.cwd ? `   (in ${command.cwd})` : ''}\n`);
  const logFd = openSync(command.logFile, 'a');
  return new Promise<void>((resolve, reject) => {
    // Its own process group: on timeout, the install scripts and compilers it started go too.
    const child = spawn(command.executable, command.args, { cwd: command.cwd, env: command.env, stdio: ['ignore', logFd, logFd], detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, command.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${command.executable}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const how = timedOut ? `did not finish in ${command.timeoutMs / 1000} s` : signal ? `was killed (${signal})` : `exited with ${code}`;
      reject(new Error(`\`${commandLine}\` ${how}; its output is in ${command.logFile}`));
    });
  }).finally(() => closeSync(logFd));
}
