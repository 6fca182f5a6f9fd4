// Rows 4b and 4c, the floors of "token cache in Redis": per request, one read from Keyv on Redis and
// a parse of the entry's JSON text, as the library parses its entries, and nothing else. Row 4b reads
// the entry alone. Row 4c reads the entry and a revocation mark in one `getMany`, as the library does.
import type { RequestListener } from 'node:http';

import type Keyv from 'keyv';
import type { Action } from 'routing-controllers';

import { PlainGuardedController } from './controllers.js';
import { koaApp } from './koa-app.js';
import { redisKeyv } from './redis-store.js';
import { AUDIENCE, type ServerConfig } from './rows.js';

const ENTRY_KEY = 'bench-floor-entry';
/** The key of row 4c's revocation mark. The benchmark revokes no token, so only a test writes it. */
export const MARK_KEY = 'bench-floor-revoked';
// The entry outlives any run. The parent also clears the namespace when the benchmark ends.
const ENTRY_TTL_MS = 3_600_000;

/**
 * Returns the handler of a Koa app whose `authorizationChecker` reads one entry from Keyv on Redis,
 * and also its revocation mark for the `keyv-redis-mark-checker` kind.
 */
export async function keyvCheckerApp(config: ServerConfig): Promise<RequestListener> {
  const keyv = redisKeyv(config.redisUrl, config.redisNamespace);
  const claims = { iss: config.issuers[0].issuer, aud: AUDIENCE, sub: 'bench-user', exp: Math.floor(Date.now() / 1000) + 86_400 };
  await keyv.set(ENTRY_KEY, JSON.stringify(claims), ENTRY_TTL_MS);
  const readEntry = config.kind === 'keyv-redis-mark-checker' ? () => readUnlessMarked(keyv) : () => keyv.get(ENTRY_KEY);
  const checker = async (action: Action): Promise<boolean> => {
    const header: unknown = action.request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      return false;
    }
    const text: unknown = await readEntry();
    return typeof text === 'string' && (JSON.parse(text) as { sub?: unknown }).sub !== undefined;
  };
  return koaApp({ controllers: [PlainGuardedController], authorizationChecker: checker });
}

// Reads the entry and the mark in one request, and returns the entry when there is no mark.
async function readUnlessMarked(keyv: Keyv): Promise<unknown> {
  const [entry, mark] = await keyv.getMany([ENTRY_KEY, MARK_KEY]);
  return mark === undefined ? entry : undefined;
}
