import { Redis } from 'ioredis';
import { InputError } from '../../inputError';

/**
 * A connection for BullMQ and for the job's progress keys. `maxRetriesPerRequest: null` keeps
 * commands waiting through a Redis restart instead of failing after a few retries (BullMQ's
 * workers need it), and the connection reconnects by itself; its errors are reported to `log`
 * (at most one line per distinct message a minute), since an unheard 'error' event would end the
 * process.
 */
export function redisConnection(url: string, log: (line: string) => void): Redis {
  if (!/^rediss?:\/\//.test(url)) throw new InputError(`--redis takes a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379), got '${url}'`);
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  const say = oncePerMinute(log);
  redis.on('error', (error: Error) => say(`redis ${url.replace(/\/\/[^@]*@/, '//')}: ${error.message} (retrying)`));
  return redis;
}

/** `log`, saying each distinct line at most once a minute: while Redis is down, every reconnect fails alike. */
export function oncePerMinute(log: (line: string) => void): (line: string) => void {
  const lastSaid = new Map<string, number>();
  return (line) => {
    const now = Date.now();
    if (now - (lastSaid.get(line) ?? -Infinity) < 60_000) return;
    lastSaid.set(line, now);
    log(line);
  };
}
