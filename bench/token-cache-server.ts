// A benchmark server: a Koa app guarded by the library, with a local issuer on loopback. It
// prints one JSON line with its URL and a valid token, then serves until it is killed.
import 'reflect-metadata';

import { configureOidcAuth, type OidcAuthOptions } from '../src/index.js';
import { startKoaApp } from '../test/support/test-apps.js';
import { TestIssuer } from '../test/support/test-issuer.js';
import { redisKeyv } from './redis-store.js';

const AUDIENCE = 'api://bench';

function cacheOptions(mode: string): Partial<OidcAuthOptions> {
  if (mode === 'off') {
    return { tokenTtl: 0 };
  }
  if (mode === 'redis') {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    return { tokenCacheStore: redisKeyv(url, `rco-bench-${process.pid}`) };
  }
  return {};
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'memory';
  const issuer = await TestIssuer.start();
  configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], ...cacheOptions(mode) });
  const app = await startKoaApp(false);
  const token = await issuer.sign({ aud: AUDIENCE, sub: 'bench-user', exp: Math.floor(Date.now() / 1000) + 3600 });
  console.log(JSON.stringify({ url: `${app.baseUrl}/any-token`, token }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
