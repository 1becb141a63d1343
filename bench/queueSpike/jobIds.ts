/** Which custom job ids BullMQ takes, by add() and by addBulk(), and whether a taken one reads back. */
import { Queue } from 'bullmq';
import type { RedisServer } from '../../test/queue/redisServer';
import { bullConnection, videoJobData } from './spikeRedis';

export const CANDIDATE_IDS = ['ds1f-r12', 'ds1f:r12', 'ds1f:r12:x', 'ds1f:r:1:2', '12', '0012', '12.5', 'ds1f/r12', 'ds1f|r12', 'ds1f.r12', 'ds1f_r12', 'ds 1f', 'vidéo-é', 'x'.repeat(1000)];

export interface IdOutcome {
  id: string;
  add: string;
  addBulk: string;
}

async function tryAdd(add: () => Promise<unknown>, read: () => Promise<unknown>): Promise<string> {
  try {
    await add();
    return (await read()) ? 'taken, reads back' : 'taken, NOT found by getJob';
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

export async function probeJobIds(server: RedisServer): Promise<IdOutcome[]> {
  const outcomes: IdOutcome[] = [];
  for (const [index, id] of CANDIDATE_IDS.entries()) {
    const single = new Queue(`ids-add-${index}`, { connection: bullConnection(server) });
    const bulk = new Queue(`ids-bulk-${index}`, { connection: bullConnection(server) });
    const data = videoJobData('ids', index);
    outcomes.push({
      id: id.length > 40 ? `${id.slice(0, 12)}… (${id.length} chars)` : id,
      add: await tryAdd(() => single.add('video', data, { jobId: id }), () => single.getJob(id)),
      addBulk: await tryAdd(() => bulk.addBulk([{ name: 'video', data, opts: { jobId: id } }]), () => bulk.getJob(id)),
    });
    for (const queue of [single, bulk]) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }
  return outcomes;
}
