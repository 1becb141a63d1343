/**
 * What BullMQ does against a real redis-server (AOF on, the queue tests' own): the memory a job
 * costs, whether re-adding deterministic ids adds nothing, how long a SIGKILLed worker's job takes
 * to come back, what a Redis restart does to connected workers, which job ids are allowed. The
 * queue's settings rest on these figures; rerun it when BullMQ or Redis changes.
 *
 *   node out/bench/queueSpike.js [memory] [dedupe] [stalled] [stalled-defaults] [limit] [restart] [restart-long] [ids]
 *
 * No argument: all but the slow ones, stalled-defaults (30 s locks, minutes) and restart-long (a 30 s outage).
 */
import { RedisServer } from '../test/queue/redisServer';
import { measureDedupe, measureMemory } from './queueSpike/memoryAndDedupe';
import { probeJobIds } from './queueSpike/jobIds';
import { outageWithoutErrorListener, restartUnderLoad } from './queueSpike/redisRestart';
import { measureStallLimit, measureStallRecovery } from './queueSpike/stalledJobs';

type Part = (server: RedisServer) => Promise<unknown>;

const SLOW = ['stalled-defaults', 'restart-long'];

const PARTS: Record<string, Part> = {
  memory: (server) => measureMemory(server, 10_000),
  dedupe: (server) => measureDedupe(server, 8_000),
  stalled: (server) => measureStallRecovery(server, 5_000, 2_000, 6),
  'stalled-defaults': (server) => measureStallRecovery(server, 30_000, 30_000, 2),
  limit: async (server) => [await measureStallLimit(server, 1, 2), await measureStallLimit(server, 2, 2), await measureStallLimit(server, 3, 3)],
  restart: async (server) => [
    await restartUnderLoad(server, 1_000, 15_000),
    await restartUnderLoad(server, 8_000, 15_000),
    await restartUnderLoad(server, 8_000, 1_000),
    await outageWithoutErrorListener(server, 3_000),
  ],
  'restart-long': (server) => restartUnderLoad(server, 30_000, 15_000),
  ids: probeJobIds,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in PARTS));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}: choose from ${Object.keys(PARTS).join(', ')}`);
  const names = asked.length ? asked : Object.keys(PARTS).filter((name) => !SLOW.includes(name));
  for (const name of names) {
    // A server per part: one part's keys and memory never count in another's.
    const server = await RedisServer.start({ appendfsync: 'always' });
    try {
      const started = performance.now();
      const result = await PARTS[name](server);
      console.log(`== ${name} (${Math.round((performance.now() - started) / 1000)} s)\n${JSON.stringify(result, null, 2)}`);
    } finally {
      await server.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
