// @keyv/redis loads @redis/client 5, which declares `class VerbatimString extends String`. Unless
// Express was loaded first, that leaves String.prototype in V8's dictionary mode. Every string method
// call (charCodeAt, slice, replace…) then looks the method up in a hash table, and jose calls
// charCodeAt once per character of the signed input. Only the Redis row pays that, as a Koa
// application with Redis does: processes load @keyv/redis through here.
import { createRequire } from 'node:module';

import Keyv from 'keyv';

const load = createRequire(__filename);

/** Returns a Keyv on the Redis server at `url`, in `namespace`, loading @keyv/redis on first use. */
export function redisKeyv(url: string, namespace: string): Keyv {
  // Loaded as a CommonJS application's `import KeyvRedis from '@keyv/redis'` loads it.
  const { default: KeyvRedis } = load('@keyv/redis') as typeof import('@keyv/redis');
  return new Keyv({ store: new KeyvRedis(url), namespace });
}
