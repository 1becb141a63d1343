import { lockCheckpoint } from '../../kernel/src/checkpoint/checkpointLock';

/**
 * A run on a machine of its own, for the lease tests: `node leaseHolder.js <checkpoint>` takes the
 * checkpoint's lock as host `VBK_HOST` with lease `VBK_LEASE_SECONDS`, prints "locked", and holds
 * it; should it lose the lock it prints "lost" and exits.
 */
const checkpointPath = process.argv[2];
lockCheckpoint(`${checkpointPath}.lock`, checkpointPath).then(
  (lock) => {
    lock.lost.addEventListener('abort', () => {
      console.log('lost');
      process.exit(0);
    });
    console.log('locked');
    // The lock's renewal timer keeps no process alive: this one does, until the test ends it.
    setInterval(() => undefined, 60_000);
  },
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
