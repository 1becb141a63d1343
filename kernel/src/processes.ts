/** Facts about other processes, said one way everywhere. */

/** Whether process `pid` exists; one of another user's (EPERM) counts as existing. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How a child ended, as the end of a sentence: "exited with code 3", "was killed by SIGKILL". */
export function howProcessEnded(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}
