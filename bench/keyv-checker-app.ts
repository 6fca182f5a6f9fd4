// Row 4b, the floor of "token cache in Redis": one read of one Keyv entry from Redis per request,
// parsed from JSON text as the library parses its entries, and nothing else.
import type { RequestListener } from 'node:http';

import type { Action } from 'routing-controllers';

import { PlainGuardedController } from './controllers.js';
import { koaApp } from './koa-app.js';
import { redisKeyv } from './redis-store.js';
import { AUDIENCE, type ServerConfig } from './rows.js';

const ENTRY_KEY = 'bench-floor-entry';
// The entry outlives any run. The parent also clears the namespace when the benchmark ends.
const ENTRY_TTL_MS = 3_600_000;

/** Returns the handler of a Koa app whose `authorizationChecker` reads one entry from Keyv on Redis. */
export async function keyvCheckerApp(config: ServerConfig): Promise<RequestListener> {
  const keyv = redisKeyv(config.redisUrl, config.redisNamespace);
  const claims = { iss: config.issuers[0].issuer, aud: AUDIENCE, sub: 'bench-user', exp: Math.floor(Date.now() / 1000) + 86_400 };
  await keyv.set(ENTRY_KEY, JSON.stringify(claims), ENTRY_TTL_MS);
  const checker = async (action: Action): Promise<boolean> => {
    const header: unknown = action.request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      return false;
    }
    const text: unknown = await keyv.get(ENTRY_KEY);
    return typeof text === 'string' && (JSON.parse(text) as { sub?: unknown }).sub !== undefined;
  };
  return koaApp({ controllers: [PlainGuardedController], authorizationChecker: checker });
}
