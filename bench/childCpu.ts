import { readFileSync } from 'node:fs';

/** Linux reports times in /proc in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) used by this process's finished children and their descendants:
 * unlike wall time, hardly moved by other work on the machine. Linux only; undefined elsewhere.
 */
export function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(fields[16 - 3]);
    const cstime = Number(fields[17 - 3]);
    return (cutime + cstime) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Wall and CPU seconds of work that runs child processes (CPU: theirs, NaN where unknown). */
export async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; cpuSeconds: number; value: T }> {
  const cpuBefore = childCpuSeconds() ?? Number.NaN;
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (childCpuSeconds() ?? Number.NaN) - cpuBefore, value };
}
