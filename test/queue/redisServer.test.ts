import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { isRunning } from '../faults/processTree';
import { RedisServer } from './redisServer';

describe('the queue tests\' redis-server', function () {
  this.timeout(60_000);
  let server: RedisServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  /** A client that gives up at once when the server is not there, rather than retrying. */
  const connect = (url: string) => new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });

  it('listens on 127.0.0.1 with the AOF on, keeps a write through a SIGKILL, and leaves no process or folder behind', async () => {
    server = await RedisServer.start({ appendfsync: 'always' });
    assert.match(server.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
    const first = connect(server.url);
    assert.deepEqual(await first.config('GET', 'bind'), ['bind', '127.0.0.1']);
    assert.deepEqual(await first.config('GET', 'appendonly'), ['appendonly', 'yes']);
    assert.deepEqual(await first.config('GET', 'protected-mode'), ['protected-mode', 'yes']);
    assert.equal(await first.set('job:1', 'payload'), 'OK');
    assert.equal(await first.get('job:1'), 'payload');
    first.disconnect();

    const killedPid = server.pid;
    await server.restart('SIGKILL');
    assert.equal(isRunning(killedPid), false);
    assert.notEqual(server.pid, killedPid);
    const second = connect(server.url);
    assert.equal(await second.get('job:1'), 'payload', 'the AOF was replayed');
    second.disconnect();

    const { pid, dataDir } = server;
    await server.stop();
    server = undefined;
    assert.equal(isRunning(pid), false);
    assert.equal(existsSync(dataDir), false);
  });
});
