import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';

/** The Redis server the tests use: `REDIS_URL`, by default the local one. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Tells whether the Redis server accepts a TCP connection within half a second. */
export function redisAnswers(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const finish = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Skips the calling suite when Redis does not accept a connection, except with `CI=true`, where Redis is
 * required and its absence fails the suite.
 */
export async function requireRedis(context: Mocha.Context): Promise<void> {
  if (await redisAnswers()) {
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error(`Redis does not answer at ${REDIS_URL}, and CI=true requires it.`);
  }
  context.skip();
}

/** Returns a Keyv namespace no other test run uses, so runs never see each other's keys. */
export function uniqueNamespace(label: string): string {
  return `rco-test-${label}-${randomUUID()}`;
}
