import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { expect } from 'chai';
import Keyv from 'keyv';
import sqlite3 from 'sqlite3';
import { Container } from 'typedi';

import { configureOidcAuth, OIDC_CLOCK, OIDC_LOGGER, OIDC_TOKEN_CACHE, revokeToken, TokenCache, warmUpOidcAuth, type OidcAuthOptions, type CacheProtocol } from '../src/index.js';
import { CountingLogger } from './support/counting-logger.js';
import { get } from './support/http.js';
import { closedLoopbackPort } from './support/ports.js';
import { REDIS_URL, requireRedis, uniqueNamespace } from './support/redis.js';
import { startKoaApp, type RunningApp } from './support/test-apps.js';
import { TestIssuer } from './support/test-issuer.js';
import { ManualClock } from './support/unit/manual-clock.js';

const AUDIENCE = 'api://cache';

/** A shared store as each application instance opens it: every call returns a new Keyv on the same data. */
interface StoreUnderTest {
  name: string;
  open(): Keyv;
  prepare(context: Mocha.Context): Promise<void>;
  cleanUp(): Promise<void>;
}

function memoryStore(): StoreUnderTest {
  const keyv = new Keyv();
  return { name: 'memory', open: () => keyv, prepare: async () => undefined, cleanUp: async () => keyv.clear() };
}

function sqliteStore(): StoreUnderTest {
  const folder = mkdtempSync(path.join(tmpdir(), 'rco-sqlite-'));
  const opened: Keyv[] = [];
  return {
    name: 'SQLite',
    open: () => {
      const keyv = new Keyv({ store: new KeyvSqlite(`sqlite://${path.join(folder, 'tokens.sqlite')}`), namespace: 'tokens' });
      opened.push(keyv);
      return keyv;
    },
    prepare: async () => undefined,
    cleanUp: async () => {
      await Promise.all(opened.map((keyv) => keyv.disconnect()));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function redisStore(): StoreUnderTest {
  const namespace = uniqueNamespace('cache-stores');
  const opened: Keyv[] = [];
  return {
    name: 'Redis',
    open: () => {
      const keyv = new Keyv({ store: new KeyvRedis(REDIS_URL), namespace });
      opened.push(keyv);
      return keyv;
    },
    prepare: (context) => requireRedis(context),
    cleanUp: async () => {
      if (opened.length > 0) {
        await opened[0].clear();
      }
      await Promise.all(opened.map((keyv) => keyv.disconnect()));
    },
  };
}

for (const makeStore of [memoryStore, sqliteStore, redisStore]) {
  const store = makeStore();

  describe(`token cache on ${store.name}`, function () {
    let issuer: TestIssuer;
    let logger: CountingLogger;
    let app: RunningApp;

    // Configures one application instance on its own connection to the shared store.
    function configureInstance(options: Partial<OidcAuthOptions> = {}): void {
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], tokenCacheStore: store.open(), ...options });
    }

    before(async function () {
      await store.prepare(this);
      issuer = await TestIssuer.start();
      logger = new CountingLogger();
      Container.set(OIDC_LOGGER, logger);
      configureInstance();
      app = await startKoaApp(false);
    });

    after(async function () {
      await app?.close();
      await issuer?.close();
      await store.cleanUp();
      for (const token of [OIDC_LOGGER, OIDC_CLOCK, OIDC_TOKEN_CACHE]) {
        Container.remove(token);
      }
    });

    it('serves a second instance from the store', async function () {
      configureInstance();
      const token = await issuer.sign({ aud: AUDIENCE, sub: 'cached-user' });
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
      const requestsAfterFirst = issuer.requests.length;
      const verificationsAfterFirst = logger.count('Token verified');

      configureInstance();
      const reply = await get(`${app.baseUrl}/any-token`, { token });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.sub).to.equal('cached-user');
      expect(issuer.requests.length, 'discovery and JWKS requests').to.equal(requestsAfterFirst);
      expect(logger.count('Token verified'), 'signature verifications').to.equal(verificationsAfterFirst);
    });

    it('serves from a cache set in the container', async function () {
      Container.set(OIDC_TOKEN_CACHE, new TokenCache(store.open()));
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] });
      const token = await issuer.sign({ aud: AUDIENCE });
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
      const verificationsAfterFirst = logger.count('Token verified');

      Container.set(OIDC_TOKEN_CACHE, new TokenCache(store.open()));
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] });
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
      expect(logger.count('Token verified')).to.equal(verificationsAfterFirst);
    });

    it('still checks roles on a hit', async function () {
      configureInstance();
      const token = await issuer.sign({ aud: AUDIENCE, roles: ['viewer'] });
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
      expect((await get(`${app.baseUrl}/admin`, { token })).status).to.equal(403);
    });

    it('refuses a token revoked on another instance', async function () {
      configureInstance();
      const token = await issuer.sign({ aud: AUDIENCE });
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
      await revokeToken(token);

      configureInstance();
      const reply = await get(`${app.baseUrl}/any-token`, { token });
      expect(reply.status).to.equal(401);
      expect(reply.body.code).to.equal('invalid_token');
    });

    it('does not share entries across audiences', async function () {
      configureInstance();
      const token = await issuer.sign({ aud: AUDIENCE });
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);

      configureInstance({ audiences: ['api://other-service'] });
      const reply = await get(`${app.baseUrl}/any-token`, { token });
      expect(reply.status).to.equal(401);
      expect(reply.body.code).to.equal('invalid_token');
    });

    it('starts a second instance warm from shared documents', async function () {
      configureInstance({ shareProviderDocuments: true });
      await warmUpOidcAuth({ throwOnFailure: true });
      const requestsAfterWarmUp = issuer.requests.length;
      issuer.behave('refuse');
      try {
        configureInstance({ shareProviderDocuments: true });
        const reply = await get(`${app.baseUrl}/any-token`, { token: await issuer.sign({ aud: AUDIENCE }) });
        expect(reply.status, reply.text).to.equal(200);
        expect(issuer.requests.length, 'requests to the provider').to.equal(requestsAfterWarmUp);
      } finally {
        issuer.behave('normal');
      }
    });

    it('refuses a cached token after its exp', async function () {
      const clock = new ManualClock(Date.now());
      Container.set(OIDC_CLOCK, clock);
      try {
        configureInstance({ tokenTtl: 3600 });
        const exp = Math.floor(clock.now() / 1000) + 60;
        const token = await issuer.sign({ aud: AUDIENCE, exp });
        expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);

        clock.advance(120_000);
        const reply = await get(`${app.baseUrl}/any-token`, { token });
        expect(reply.status).to.equal(401);
        expect(reply.body.code).to.equal('token_expired');
      } finally {
        Container.remove(OIDC_CLOCK);
      }
    });
  });
}

describe('token cache store failures', function () {
  let issuer: TestIssuer;
  let logger: CountingLogger;
  let app: RunningApp;

  before(async function () {
    issuer = await TestIssuer.start();
    logger = new CountingLogger();
    Container.set(OIDC_LOGGER, logger);
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] });
    app = await startKoaApp(false);
  });

  after(async function () {
    await app?.close();
    await issuer?.close();
    Container.remove(OIDC_LOGGER);
    Container.remove(OIDC_TOKEN_CACHE);
  });

  async function expectServedWithoutStore(keyv: Keyv): Promise<void> {
    const warningsBefore = logger.lines.filter((line) => line.level === 'warn').length;
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], tokenCacheStore: keyv, tokenCacheTimeoutMs: 200 });
    for (let request = 0; request < 3; request += 1) {
      const token = await issuer.sign({ aud: AUDIENCE, sub: `user-${request}` });
      const reply = await get(`${app.baseUrl}/any-token`, { token });
      expect(reply.status, reply.text).to.equal(200);
    }
    const warnings = logger.lines.filter((line) => line.level === 'warn').slice(warningsBefore);
    expect(warnings.map((line) => line.message)).to.deep.equal(['Token cache store failed; verifying tokens without it until it recovers']);
  }

  it('verifies without an unreachable Redis', async function () {
    const closedPort = await closedLoopbackPort();
    const keyv = new Keyv({ store: new KeyvRedis(`redis://127.0.0.1:${closedPort}`), namespace: 'unreachable' });
    keyv.on('error', () => undefined);
    await expectServedWithoutStore(keyv);
  });

  it('verifies without a locked SQLite file', async function () {
    const folder = mkdtempSync(path.join(tmpdir(), 'rco-sqlite-locked-'));
    const file = path.join(folder, 'tokens.sqlite');
    const keyv = new Keyv({ store: new KeyvSqlite(`sqlite://${file}`), namespace: 'tokens' });
    await keyv.set('warm-up', 1);
    const locker = new sqlite3.Database(file);
    await new Promise<void>((resolve, reject) => locker.exec('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;', (error) => (error ? reject(error) : resolve())));
    try {
      await expectServedWithoutStore(keyv);
    } finally {
      await new Promise<void>((resolve) => locker.close(() => resolve()));
      await keyv.disconnect();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});


/** The in-memory cache of the Python package's README, in TypeScript, as a user would write it. */
class InMemoryTokenCache implements CacheProtocol {
  private readonly cache = new Map<string, unknown>();

  addToken(token: string, value: unknown): void {
    this.cache.set(token, value);
  }

  getToken(token: string): unknown {
    return this.cache.get(token);
  }

  removeToken(token: string): boolean {
    return this.cache.delete(token);
  }

  clear(): void {
    this.cache.clear();
  }

  listTokens(page = 1, pageSize = 10): Record<string, unknown> {
    return Object.fromEntries([...this.cache].slice((page - 1) * pageSize, page * pageSize));
  }

  keys(): string[] {
    return [...this.cache.keys()];
  }
}

describe('custom token cache', function () {
  let issuer: TestIssuer;
  let logger: CountingLogger;
  let app: RunningApp;

  before(async function () {
    issuer = await TestIssuer.start();
    logger = new CountingLogger();
    Container.set(OIDC_LOGGER, logger);
    app = await startKoaApp(false);
  });

  after(async function () {
    await app?.close();
    await issuer?.close();
    Container.remove(OIDC_LOGGER);
    Container.remove(OIDC_TOKEN_CACHE);
  });

  for (const [route, install] of [
    ['option', (cache: CacheProtocol) => configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], customTokenCache: cache })],
    ['container', (cache: CacheProtocol) => {
      Container.set(OIDC_TOKEN_CACHE, cache);
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] });
    }],
  ] as const) {
    it(`serves hits from a custom cache set by ${route}`, async function () {
      const cache = new InMemoryTokenCache();
      install(cache);
      const token = await issuer.sign({ aud: AUDIENCE });
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
      const verifications = logger.count('Token verified');
      expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
      expect(logger.count('Token verified')).to.equal(verifications);
      expect(cache.keys().some((key) => key.includes(token))).to.equal(false);
    });
  }

  it('refuses a token revoked in a custom cache', async function () {
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], customTokenCache: new InMemoryTokenCache() });
    const token = await issuer.sign({ aud: AUDIENCE });
    expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(200);
    await revokeToken(token);
    expect((await get(`${app.baseUrl}/any-token`, { token })).status).to.equal(401);
  });
});
