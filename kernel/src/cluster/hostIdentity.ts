import * as os from 'node:os';

/**
 * The name this machine gives in checkpoint locks and in per-machine progress: VBK_HOST when set,
 * so containers that share a host name (or processes standing in for machines) tell themselves
 * apart; otherwise the operating system's host name.
 */
export function hostName(): string {
  return process.env.VBK_HOST || os.hostname();
}
