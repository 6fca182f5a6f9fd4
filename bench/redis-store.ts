// @keyv/redis loads @redis/client 5, whose `class VerbatimString extends String` leaves String.prototype
// in V8's dictionary mode unless Express was loaded first. Every string method call then costs a hash
// lookup, so only the Redis rows load @keyv/redis, through this module, as a Koa application with Redis does.
import { createRequire } from 'node:module';

import Keyv from 'keyv';

const load = createRequire(__filename);

/** Returns a Keyv on the Redis server at `url`, in `namespace`, loading @keyv/redis on first use. */
export function redisKeyv(url: string, namespace: string): Keyv {
  // Loaded as a CommonJS application's `import KeyvRedis from '@keyv/redis'` loads it.
  const { default: KeyvRedis } = load('@keyv/redis') as typeof import('@keyv/redis');
  return new Keyv({ store: new KeyvRedis(url), namespace });
}
