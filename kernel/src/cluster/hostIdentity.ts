import * as os from 'node:os';

/** The name this machine gives in locks and in per-machine progress; `VBK_HOST` lets containers that share a host name (or tests standing in for machines) tell themselves apart. */
export function hostName(): string {
  return process.env.VBK_HOST || os.hostname();
}
