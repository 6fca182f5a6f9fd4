import { execFile } from 'node:child_process';
import path from 'node:path';

import { expect } from 'chai';

import { endpointsOf } from '../bench/cold-start.js';
import { MARK_KEY } from '../bench/keyv-checker-app.js';
import { clearRedisNamespace, startServer, stopServer, type ServerProcess } from '../bench/load.js';
import { redisKeyv } from '../bench/redis-store.js';
import { ROUTE, type ServerConfig, type ServerKind } from '../bench/rows.js';
import { get } from './support/http.js';
import { REDIS_URL, requireRedis, uniqueNamespace } from './support/redis.js';
import { TestIssuer } from './support/test-issuer.js';

// The compiled apps module beside this compiled test: build/bench/apps.js.
const APPS = path.join(__dirname, '..', 'bench', 'apps.js');

// The packages one row may load and another must not. 'library' stands for this library's build.
const WATCHED = ['koa', 'express', 'koa-jwt', 'jwks-rsa', 'express-oauth2-jwt-bearer', '@keyv/redis', '@redis/client', 'library'];

const EXPECTED: Record<ServerKind, string[]> = {
  'koa-none': ['koa'],
  'koa-trivial-checker': ['koa'],
  'library-memory': ['koa', 'library'],
  'library-off': ['koa', 'library'],
  'library-redis': ['koa', '@keyv/redis', '@redis/client', 'library'],
  'library-two-providers': ['koa', 'library'],
  'keyv-redis-checker': ['koa', '@keyv/redis', '@redis/client'],
  'keyv-redis-mark-checker': ['koa', '@keyv/redis', '@redis/client'],
  'jose-checker': ['koa'],
  'koa-jwt': ['koa', 'koa-jwt', 'jwks-rsa'],
  'express-bearer': ['express', 'express-oauth2-jwt-bearer'],
  'express-none': ['express'],
};

interface BuiltApp {
  packages: string[];
  stringPrototypeFast: boolean;
}

// Builds one row's app in a new process, as bench/server.js does, and prints the packages it loaded
// and whether String.prototype is still in V8's fast mode (%HasFastProperties needs --allow-natives-syntax).
const CHILD = `
require('reflect-metadata');
require(process.env.APPS).buildApp(JSON.parse(process.env.BENCH_SERVER)).then(() => {
  const loaded = new Set(Object.keys(require.cache).map((file) =>
    file.includes('/build/src/') ? 'library' : /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file)?.[1]));
  const stringPrototypeFast = new Function('return %HasFastProperties(String.prototype)')();
  console.log(JSON.stringify({ packages: JSON.parse(process.env.WATCHED).filter((name) => loaded.has(name)), stringPrototypeFast }));
  process.exit(0);
});`;

// Returns the status of one request to the benchmark route with a bearer token.
async function statusOfRoute(server: ServerProcess): Promise<number> {
  return (await get(`${server.baseUrl}${ROUTE}`, { token: 'any' })).status;
}

function buildInNewProcess(config: ServerConfig): Promise<BuiltApp> {
  const env = { ...process.env, APPS, BENCH_SERVER: JSON.stringify(config), WATCHED: JSON.stringify(WATCHED) };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--allow-natives-syntax', '-e', CHILD], { env, timeout: 15_000 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`Building the ${config.kind} app failed: ${stderr}`, { cause: error }));
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as BuiltApp);
    });
  });
}

describe('benchmark apps', function () {
  this.timeout(30_000);
  let issuer: TestIssuer;
  const built = new Map<ServerKind, BuiltApp>();

  // The Redis floor rows write their entry when they are built.
  const redisNamespace = uniqueNamespace('bench-apps');

  before(async function () {
    await requireRedis(this);
    issuer = await TestIssuer.start();
    const base = { issuers: [endpointsOf(issuer)], publicJwk: { ...issuer.keys[0].publicJwk }, redisUrl: REDIS_URL, redisNamespace };
    const kinds = Object.keys(EXPECTED) as ServerKind[];
    const results = await Promise.all(kinds.map((kind) => buildInNewProcess({ kind, ...base })));
    kinds.forEach((kind, index) => built.set(kind, results[index]));
  });

  after(async () => {
    await issuer?.close();
    expect(await clearRedisNamespace(REDIS_URL, redisNamespace), 'entries left in Redis').to.equal(0);
  });

  it('loads only packages of own row', () => {
    const loaded = Object.fromEntries([...built].map(([kind, app]) => [kind, app.packages]));
    expect(loaded).to.deep.equal(EXPECTED);
  });

  // @redis/client 5 subclasses String, which leaves String.prototype in dictionary mode and slows
  // every string method call in the process (see bench/redis-store.ts). The Redis rows pay that as
  // a Koa application with Redis does, and no other row may.
  it('slows String.prototype only in Redis rows', () => {
    const slowed = [...built].filter(([, app]) => !app.stringPrototypeFast).map(([kind]) => kind);
    expect(slowed.sort()).to.deep.equal(['keyv-redis-checker', 'keyv-redis-mark-checker', 'library-redis']);
  });

  // Both floor servers read Redis on every request, so a mark written between two requests shows which one reads it.
  it('refuses marked token only in row 4c', async () => {
    const base = { issuers: [endpointsOf(issuer)], redisUrl: REDIS_URL, redisNamespace };
    const servers: ServerProcess[] = [];
    const keyv = redisKeyv(REDIS_URL, redisNamespace);
    try {
      servers.push(await startServer({ ...base, kind: 'keyv-redis-checker' }));
      servers.push(await startServer({ ...base, kind: 'keyv-redis-mark-checker' }));
      const before = await Promise.all(servers.map(statusOfRoute));
      await keyv.set(MARK_KEY, 'revoked');
      const after = await Promise.all(servers.map(statusOfRoute));

      expect({ before, after }).to.deep.equal({ before: [200, 200], after: [200, 401] });
    } finally {
      await Promise.all(servers.map((server) => stopServer(server)));
      await keyv.disconnect();
    }
  });
});
