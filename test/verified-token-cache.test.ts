import { randomBytes } from 'node:crypto';

import KeyvRedis from '@keyv/redis';
import { expect } from 'chai';
import { UnsecuredJWT, type JWTPayload } from 'jose';
import Keyv from 'keyv';

import type { CacheProtocol } from '../src/cache/cache-protocol.js';
import { TokenCache } from '../src/cache/token-cache.js';
import { revokedTokenKey, verifiedTokenKey } from '../src/cache/token-key.js';
import { VerifiedTokenCache, type CacheSettings, type MemoryHit } from '../src/cache/verified-token-cache.js';
import { ProviderDocuments, type DocumentSettings } from '../src/discovery/provider-documents.js';
import type { TrustedProvider } from '../src/verification/token-verifier.js';
import { CountingLogger } from './support/counting-logger.js';
import { uniqueNamespace } from './support/redis.js';
import { rejectionOf } from './support/unit/rejection.js';
import { closedLoopbackPort } from './support/ports.js';
import { ManualClock } from './support/unit/manual-clock.js';
import { TEST_DOCUMENT_SETTINGS } from './support/unit/document-settings.js';

const NAMESPACE = 'rco:orders-api';
const OTHER_NAMESPACE = 'rco:billing-api';
const TOKEN_TTL_MS = 300_000;
const TOLERANCE_SECONDS = 5;
const FAILED = 'Token cache store failed; verifying tokens without it until it recovers';

const DOCUMENT_SETTINGS: DocumentSettings = {
  ...TEST_DOCUMENT_SETTINGS,
  jwksTtlMs: 3_600_000,
  limits: { timeoutMs: 5000, maxBytes: 524_288 },
  algorithms: ['RS256'],
};

/** Returns a JWT-shaped token carrying `claims`, with a random signature part (nothing verifies it here). */
function tokenWith(claims: JWTPayload): string {
  return `${new UnsecuredJWT(claims).encode()}${randomBytes(32).toString('base64url')}`;
}

/** A {@link CacheProtocol} in front of a `TokenCache` that records every write and batched read. */
class RecordingCache implements CacheProtocol {
  readonly added: Array<{ key: string; value: unknown; ttlMs?: number }> = [];
  batchedReads = 0;
  singleReads = 0;

  constructor(readonly inner: TokenCache) {}

  addToken(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.added.push({ key, value, ttlMs });
    return this.inner.addToken(key, value, ttlMs);
  }

  getToken(key: string): Promise<unknown> {
    this.singleReads += 1;
    return this.inner.getToken(key);
  }

  getTokens(keys: string[]): Promise<unknown[]> {
    this.batchedReads += 1;
    return this.inner.getTokens(keys);
  }

  removeToken(key: string): Promise<boolean> {
    return this.inner.removeToken(key);
  }

  clear(): Promise<void> {
    return this.inner.clear();
  }

  listTokens(page?: number, pageSize?: number): Promise<unknown> {
    return this.inner.listTokens(page, pageSize);
  }

  ttlOf(key: string): number | undefined {
    return this.added.find((entry) => entry.key === key)?.ttlMs;
  }
}

/** The in-memory cache of the `CacheProtocol` example: a Map, no time to live, synchronous methods. */
class InMemoryTokenCache implements CacheProtocol {
  readonly entries = new Map<string, unknown>();

  addToken(key: string, value: unknown): void {
    this.entries.set(key, value);
  }

  getToken(key: string): unknown {
    return this.entries.get(key);
  }

  removeToken(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  listTokens(page = 1, pageSize = 10): Record<string, unknown> {
    return Object.fromEntries([...this.entries].slice((page - 1) * pageSize, page * pageSize));
  }
}

function throwingCache(): CacheProtocol {
  const fail = (): never => {
    throw new Error('store is down');
  };
  return { addToken: fail, getToken: fail, removeToken: fail, clear: fail, listTokens: fail };
}

function hangingCache(): CacheProtocol {
  const hang = (): Promise<never> => new Promise(() => undefined);
  return { addToken: hang, getToken: hang, removeToken: hang, clear: hang, listTokens: hang };
}

/** Returns how `promise` ended within `limitMs`: 'resolved', 'rejected' or 'pending'. */
async function outcomeWithin(promise: Promise<unknown>, limitMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('pending'), limitMs);
  });
  const settled = promise.then(
    () => 'resolved',
    () => 'rejected',
  );
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}


describe('VerifiedTokenCache', function () {
  let clock: ManualClock;
  let logger: CountingLogger;
  let providers: TrustedProvider[];
  let store: TokenCache;
  let nowSeconds: number;

  beforeEach(function () {
    nowSeconds = Math.floor(Date.now() / 1000);
    clock = new ManualClock(nowSeconds * 1000);
    logger = new CountingLogger();
    providers = ['https://a.example.com', 'https://b.example.com'].map((origin) => ({
      documents: new ProviderDocuments(
        { discoveryUrl: `${origin}/.well-known/openid-configuration`, sameOriginIssuer: false },
        DOCUMENT_SETTINGS,
        clock,
        logger,
      ),
      audiences: ['api://orders'],
    }));
    store = new TokenCache();
  });

  function cacheOn(target: CacheProtocol, namespace = NAMESPACE, overrides: Partial<CacheSettings> = {}): VerifiedTokenCache {
    const settings: CacheSettings = {
      namespace,
      tokenTtlMs: TOKEN_TTL_MS,
      timeoutMs: 1000,
      retryAfterMs: 5000,
      clockToleranceSeconds: TOLERANCE_SECONDS,
      ...overrides,
    };
    return new VerifiedTokenCache(() => target, providers, settings, clock, logger);
  }

  function claimsFor(lifetimeSeconds: number, extra: JWTPayload = {}): JWTPayload {
    return { iss: 'https://b.example.com', sub: 'user-1', aud: 'api://orders', exp: nowSeconds + lifetimeSeconds, ...extra };
  }

  describe('remember and lookup', function () {
    it('lookup of unknown token is miss', async function () {
      expect(await cacheOn(store).lookup(tokenWith(claimsFor(600)))).to.deep.equal({ kind: 'miss' });
    });

    it('lookup after remember is hit', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600);
      const token = tokenWith(claims);

      await cache.remember(token, { claims, provider: providers[1] });
      const found = await cache.lookup(token);

      expect(found.kind).to.equal('hit');
    });

    it('hit returns same claims', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600, { roles: ['reader'] });
      const token = tokenWith(claims);

      await cache.remember(token, { claims, provider: providers[1] });
      const found = await cache.lookup(token);

      expect(found.kind === 'hit' ? found.verified.claims : undefined).to.deep.equal(claims);
    });

    it('hit returns same provider', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600);
      const token = tokenWith(claims);

      await cache.remember(token, { claims, provider: providers[1] });
      const found = await cache.lookup(token);

      expect(found.kind === 'hit' ? found.verified.provider : undefined).to.equal(providers[1]);
    });

    it('lookup uses one batched read', async function () {
      const recording = new RecordingCache(store);
      const cache = cacheOn(recording);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      await cache.lookup(token);

      expect(recording.batchedReads, 'getTokens calls').to.equal(1);
      expect(recording.singleReads, 'getToken calls').to.equal(0);
    });

    it('forget removes verified entry', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      expect(await cache.forget(token), 'first forget').to.equal(true);
      expect(await cache.forget(token), 'second forget').to.equal(false);
      expect(await cache.lookup(token)).to.deep.equal({ kind: 'miss' });
    });
  });

  describe('lookupInMemory', function () {
    it('hit on default memory store', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600, { roles: ['reader'] });
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[1] });

      expect(cache.lookupInMemory(token)).to.deep.include({ kind: 'hit', verified: { claims, provider: providers[1] } });
    });

    it('miss on default memory store', function () {
      expect(cacheOn(store).lookupInMemory(tokenWith(claimsFor(600)))).to.deep.equal({ kind: 'miss' });
    });

    it('past exp is miss by clock', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(60);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      clock.advance((60 + TOLERANCE_SECONDS + 1) * 1000);

      expect(cache.lookupInMemory(token)).to.deep.equal({ kind: 'miss' });
    });

    it('revoked token is revoked', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      await cache.revoke(token);

      expect(cache.lookupInMemory(token)).to.deep.equal({ kind: 'revoked' });
    });

    it('entry of other namespace is miss', async function () {
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cacheOn(store, OTHER_NAMESPACE).remember(token, { claims, provider: providers[0] });

      expect(cacheOn(store).lookupInMemory(token)).to.deep.equal({ kind: 'miss' });
    });

    it('hit claims are frozen', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600, { roles: ['reader'] });
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      const found = cache.lookupInMemory(token);
      const hitClaims = found?.kind === 'hit' ? found.verified.claims : {};

      expect(() => (hitClaims.roles as string[]).push('admin'), 'push to roles').to.throw(TypeError);
      expect(() => {
        hitClaims.sub = 'someone-else';
      }, 'assign sub').to.throw(TypeError);
      const again = cache.lookupInMemory(token);
      expect(again?.kind === 'hit' ? again.verified.claims : undefined).to.deep.equal(claims);
    });

    it('stored entry ignores later claim edits', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600, { roles: ['reader'] });
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      (claims.roles as string[]).push('admin');
      const found = cache.lookupInMemory(token);

      expect(found?.kind === 'hit' ? found.verified.claims.roles : undefined).to.deep.equal(['reader']);
    });

    it('is undefined for other stores', async function () {
      const keyvStore = new TokenCache(new Keyv());
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      for (const target of [keyvStore, new InMemoryTokenCache(), new RecordingCache(store)]) {
        const cache = cacheOn(target);
        await cache.remember(token, { claims, provider: providers[0] });
        expect(cache.lookupInMemory(token), target.constructor.name).to.equal(undefined);
        expect((await cache.lookup(token)).kind, `${target.constructor.name} lookup`).to.equal('hit');
      }
    });
  });

  describe('isCurrent', function () {
    // Remembers a token in the default memory store and returns its in-memory hit.
    async function hitOf(cache: VerifiedTokenCache, claims: JWTPayload): Promise<{ token: string; hit: MemoryHit }> {
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });
      const found = cache.lookupInMemory(token);
      if (found?.kind !== 'hit') {
        throw new Error(`expected an in-memory hit, got ${JSON.stringify(found)}`);
      }
      return { token, hit: found };
    }

    it('is current while nothing changes', async function () {
      const cache = cacheOn(store);
      const { hit } = await hitOf(cache, claimsFor(600));
      cache.lookupInMemory(tokenWith(claimsFor(600)));

      expect(cache.isCurrent(hit)).to.equal(true);
    });

    it('ends on forget, revoke or clear', async function () {
      const changes: Record<string, (cache: VerifiedTokenCache, token: string) => Promise<unknown>> = {
        forget: (cache, token) => cache.forget(token),
        revoke: (cache, token) => cache.revoke(token),
        'revoke another token': (cache) => cache.revoke(tokenWith(claimsFor(600))),
        'remember another token': (cache) => cache.remember(tokenWith(claimsFor(600)), { claims: claimsFor(600), provider: providers[0] }),
        clear: () => store.clear(),
        'Keyv delete': () => store.keyv.delete('unrelated'),
      };
      for (const [name, change] of Object.entries(changes)) {
        const cache = cacheOn(store);
        const { token, hit } = await hitOf(cache, claimsFor(600));

        await change(cache, token);

        expect(cache.isCurrent(hit), name).to.equal(false);
      }
    });

    it('ends after exp and tolerance', async function () {
      const cache = cacheOn(store);
      const { hit } = await hitOf(cache, claimsFor(60));

      clock.advance((60 + TOLERANCE_SECONDS - 2) * 1000);
      expect(cache.isCurrent(hit), 'within tolerance').to.equal(true);
      clock.advance(3000);
      expect(cache.isCurrent(hit), 'past tolerance').to.equal(false);
    });

    it('ends when the store entry expires', async function () {
      const cache = cacheOn(store, NAMESPACE, { tokenTtlMs: 20 });
      const { hit } = await hitOf(cache, claimsFor(600));

      await new Promise((resolve) => setTimeout(resolve, 40));

      expect(cache.isCurrent(hit)).to.equal(false);
    });

    it('ends when store is replaced', async function () {
      let target: CacheProtocol = store;
      const cache = new VerifiedTokenCache(() => target, providers, { namespace: NAMESPACE, tokenTtlMs: TOKEN_TTL_MS, timeoutMs: 1000, retryAfterMs: 5000, clockToleranceSeconds: TOLERANCE_SECONDS }, clock, logger);
      const { hit } = await hitOf(cache, claimsFor(600));

      target = new TokenCache();
      expect(cache.isCurrent(hit), 'another memory store').to.equal(false);
      target = new RecordingCache(store);
      expect(cache.isCurrent(hit), 'a custom cache over the same store').to.equal(false);
    });
  });

  describe('entry lifetime', function () {
    it('entry ttl is tokenTtl for long-lived token', async function () {
      const recording = new RecordingCache(store);
      const claims = claimsFor(3600);
      const token = tokenWith(claims);

      await cacheOn(recording).remember(token, { claims, provider: providers[0] });

      expect(recording.ttlOf(verifiedTokenKey(NAMESPACE, token))).to.equal(TOKEN_TTL_MS);
    });

    it('entry ttl ends at exp plus tolerance', async function () {
      const recording = new RecordingCache(store);
      const claims = claimsFor(60);
      const token = tokenWith(claims);

      await cacheOn(recording).remember(token, { claims, provider: providers[0] });

      expect(recording.ttlOf(verifiedTokenKey(NAMESPACE, token))).to.equal((60 + TOLERANCE_SECONDS) * 1000);
    });

    it('store expiration follows entry ttl', async function () {
      const claims = claimsFor(60);
      const token = tokenWith(claims);
      const ttlMs = (claims.exp! + TOLERANCE_SECONDS) * 1000 - clock.now();

      const before = Date.now();
      await cacheOn(store).remember(token, { claims, provider: providers[0] });
      const after = Date.now();

      const { expiration } = (await store.listTokens()).tokens[verifiedTokenKey(NAMESPACE, token)];
      expect(expiration).to.be.at.least(before + ttlMs);
      expect(expiration).to.be.at.most(after + ttlMs);
    });

    it('hit past exp is miss', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(60);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      clock.advance((60 + TOLERANCE_SECONDS + 1) * 1000);

      expect(await store.getToken(verifiedTokenKey(NAMESPACE, token)), 'entry still in store').to.not.equal(undefined);
      expect(await cache.lookup(token)).to.deep.equal({ kind: 'miss' });
    });

    it('hit within tolerance after exp', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(60);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      clock.advance((60 + TOLERANCE_SECONDS - 2) * 1000);

      expect((await cache.lookup(token)).kind).to.equal('hit');
    });

    it('token without numeric exp is not stored', async function () {
      const cases: JWTPayload[] = [{ sub: 'user-1' }, { sub: 'user-1', exp: String(nowSeconds + 600) as unknown as number }, { sub: 'user-1', exp: null as unknown as number }];
      for (const claims of cases) {
        await cacheOn(store).remember(tokenWith(claims), { claims, provider: providers[0] });
        expect((await store.listTokens()).totalTokens, JSON.stringify(claims)).to.equal(0);
      }
    });

    it('expired token is not stored', async function () {
      const claims = claimsFor(-(TOLERANCE_SECONDS + 1));
      await cacheOn(store).add(tokenWith(claims), { claims, provider: providers[0] });
      expect((await store.listTokens()).totalTokens).to.equal(0);
    });

    it('token of unknown provider is not stored', async function () {
      const stranger: TrustedProvider = { documents: providers[0].documents, audiences: ['api://orders'] };
      const claims = claimsFor(600);
      await cacheOn(store).add(tokenWith(claims), { claims, provider: stranger });
      expect((await store.listTokens()).totalTokens).to.equal(0);
    });
  });

  describe('revoke', function () {
    it('lookup of revoked token is revoked', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      await cache.revoke(token);

      expect(await cache.lookup(token)).to.deep.equal({ kind: 'revoked' });
    });

    it('revoke removes verified entry', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      await cache.revoke(token);

      expect(await store.getToken(verifiedTokenKey(NAMESPACE, token))).to.equal(undefined);
    });

    it('remember after revoke stays revoked', async function () {
      const cache = cacheOn(store);
      const claims = claimsFor(600);
      const token = tokenWith(claims);

      await cache.revoke(token);
      await cache.remember(token, { claims, provider: providers[0] });

      expect(await cache.lookup(token)).to.deep.equal({ kind: 'revoked' });
    });

    // A mark capped at tokenTtl would expire before a long-lived token does.
    it('revoke mark lasts until exp', async function () {
      const recording = new RecordingCache(store);
      const token = tokenWith(claimsFor(3600));

      await cacheOn(recording).revoke(token);

      expect(recording.ttlOf(revokedTokenKey(token))).to.be.at.least(3600 * 1000);
    });

    it('revoke mark without exp lasts tokenTtl', async function () {
      const recording = new RecordingCache(store);

      await cacheOn(recording).revoke('opaque-access-token');

      expect(recording.ttlOf(revokedTokenKey('opaque-access-token'))).to.equal(TOKEN_TTL_MS);
    });

    it('revoke mark is seen by other namespace', async function () {
      const orders = cacheOn(store, NAMESPACE);
      const billing = cacheOn(store, OTHER_NAMESPACE);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await billing.remember(token, { claims, provider: providers[0] });

      await orders.revoke(token);

      expect(await billing.lookup(token)).to.deep.equal({ kind: 'revoked' });
    });

    it('verified entry is not seen by other namespace', async function () {
      const orders = cacheOn(store, NAMESPACE);
      const billing = cacheOn(store, OTHER_NAMESPACE);
      const claims = claimsFor(600);
      const token = tokenWith(claims);

      await orders.remember(token, { claims, provider: providers[0] });

      expect(await billing.lookup(token)).to.deep.equal({ kind: 'miss' });
    });
  });

  describe('providerFor', function () {
    it('returns provider of matching iss', function () {
      expect(cacheOn(store).providerFor({ iss: 'https://b.example.com' })).to.equal(providers[1]);
    });

    it('accepts iss with trailing slash', function () {
      expect(cacheOn(store).providerFor({ iss: 'https://b.example.com/' })).to.equal(providers[1]);
    });

    it('unknown or missing iss has no provider', function () {
      const cases: JWTPayload[] = [{ iss: 'https://c.example.com' }, {}, { iss: 42 as unknown as string }];
      for (const claims of cases) {
        expect(cacheOn(store).providerFor(claims), JSON.stringify(claims)).to.equal(undefined);
      }
    });
  });

  describe('corrupted store values', function () {
    it('corrupted entry is miss', async function () {
      const claims = claimsFor(600);
      const cases: Array<[string, unknown]> = [
        ['provider index past end', { claims, provider: 2 }],
        ['negative provider index', { claims, provider: -1 }],
        ['fractional provider index', { claims, provider: 0.5 }],
        ['provider index as string', { claims, provider: '0' }],
        ['missing provider', { claims }],
        ['missing claims', { provider: 0 }],
        ['null claims', { claims: null, provider: 0 }],
        ['claims without exp', { claims: { sub: 'user-1' }, provider: 0 }],
        ['claims as string', { claims: 'user-1', provider: 0 }],
        ['string', 'not an entry'],
        ['number', 42],
        ['array', [claims, 0]],
        ['boolean', true],
      ];
      const cache = cacheOn(store);
      for (const [name, value] of cases) {
        const token = tokenWith(claims);
        await store.addToken(verifiedTokenKey(NAMESPACE, token), value);
        expect(await cache.lookup(token), name).to.deep.equal({ kind: 'miss' });
      }
    });

    // A given Keyv keeps JSON text, and other code may write any text under a key.
    it('text that is not JSON still revokes', async function () {
      const keyvStore = new TokenCache(new Keyv());
      const cache = cacheOn(keyvStore);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      await keyvStore.keyv.set(revokedTokenKey(token), 'revoked by hand');

      expect(await cache.lookup(token)).to.deep.equal({ kind: 'revoked' });
    });
  });

  describe('on throwing store', function () {
    it('lookup is miss', async function () {
      expect(await cacheOn(throwingCache()).lookup(tokenWith(claimsFor(600)))).to.deep.equal({ kind: 'miss' });
    });

    it('lookup logs one warning', async function () {
      const cache = cacheOn(throwingCache());
      await cache.lookup(tokenWith(claimsFor(600)));
      await cache.lookup(tokenWith(claimsFor(600)));
      expect(logger.count(FAILED)).to.equal(1);
    });

    it('remember resolves', async function () {
      const claims = claimsFor(600);
      const outcome = await outcomeWithin(cacheOn(throwingCache()).remember(tokenWith(claims), { claims, provider: providers[0] }), 2000);
      expect(outcome).to.equal('resolved');
    });

    it('add rejects', async function () {
      const claims = claimsFor(600);
      const error = await rejectionOf(cacheOn(throwingCache()).add(tokenWith(claims), { claims, provider: providers[0] }));
      expect((error as Error).message).to.equal('store is down');
    });

    it('revoke rejects', async function () {
      const error = await rejectionOf(cacheOn(throwingCache()).revoke(tokenWith(claimsFor(600))));
      expect((error as Error).message).to.equal('store is down');
    });

    // A store without getMany must still report its failures to the guard, not look like misses.
    it('Keyv store failure is logged', async function () {
      const fail = (): never => {
        throw new Error('store is down');
      };
      const cache = cacheOn(new TokenCache(new Keyv({ store: { get: fail, set: fail, delete: fail, clear: fail } })));

      await cache.lookup(tokenWith(claimsFor(600)));

      expect(logger.count(FAILED)).to.equal(1);
    });
  });

  describe('on hanging store', function () {
    it('lookup is miss', async function () {
      const cache = cacheOn(hangingCache(), NAMESPACE, { timeoutMs: 50 });
      expect(await cache.lookup(tokenWith(claimsFor(600)))).to.deep.equal({ kind: 'miss' });
    });

    it('remember resolves', async function () {
      const claims = claimsFor(600);
      const cache = cacheOn(hangingCache(), NAMESPACE, { timeoutMs: 50 });
      const outcome = await outcomeWithin(cache.remember(tokenWith(claims), { claims, provider: providers[0] }), 2000);
      expect(outcome).to.equal('resolved');
    });

    // Without the time limit, a logout that revokes on a silent store would hang.
    it('add rejects', async function () {
      const claims = claimsFor(600);
      const cache = cacheOn(hangingCache(), NAMESPACE, { timeoutMs: 50 });
      const outcome = await outcomeWithin(cache.add(tokenWith(claims), { claims, provider: providers[0] }), 2000);
      expect(outcome).to.equal('rejected');
    });

    it('revoke rejects', async function () {
      const cache = cacheOn(hangingCache(), NAMESPACE, { timeoutMs: 50 });
      const outcome = await outcomeWithin(cache.revoke(tokenWith(claimsFor(600))), 2000);
      expect(outcome).to.equal('rejected');
    });
  });

  describe('on unreachable Redis', function () {
    let keyv: Keyv;

    beforeEach(async function () {
      const port = await closedLoopbackPort();
      keyv = new Keyv({ store: new KeyvRedis(`redis://127.0.0.1:${port}`), namespace: uniqueNamespace('unreachable') });
      keyv.on('error', () => undefined);
    });

    afterEach(async function () {
      await keyv.disconnect();
    });

    it('lookup is miss', async function () {
      const cache = cacheOn(new TokenCache(keyv), NAMESPACE, { timeoutMs: 50 });
      expect(await cache.lookup(tokenWith(claimsFor(600)))).to.deep.equal({ kind: 'miss' });
    });

    it('remember resolves', async function () {
      const claims = claimsFor(600);
      const cache = cacheOn(new TokenCache(keyv), NAMESPACE, { timeoutMs: 50 });
      const outcome = await outcomeWithin(cache.remember(tokenWith(claims), { claims, provider: providers[0] }), 2000);
      expect(outcome).to.equal('resolved');
    });
  });

  it('nothing stored contains raw token', async function () {
    const orders = cacheOn(store, NAMESPACE);
    const billing = cacheOn(store, OTHER_NAMESPACE);
    const tokens: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const claims = claimsFor(600, { sub: `user-${index}` });
      const token = tokenWith(claims);
      tokens.push(token);
      await orders.remember(token, { claims, provider: providers[0] });
      await billing.remember(token, { claims, provider: providers[1] });
    }
    await orders.revoke(tokens[0]);

    const stored = [...(store.keyv.store as Map<string, unknown>)].map(([key, value]) => [key, JSON.stringify(value)]);

    expect(stored, 'entries in store').to.have.length(6);
    for (const [index, token] of tokens.entries()) {
      const signature = token.split('.')[2];
      for (const [key, value] of stored) {
        expect(key, `key of token ${index}`).to.not.include(signature);
        expect(value, `value under ${key}`).to.not.include(signature);
      }
    }
  });

  describe('behind custom Map cache', function () {
    let custom: InMemoryTokenCache;

    beforeEach(function () {
      custom = new InMemoryTokenCache();
    });

    it('lookup after remember is hit', async function () {
      const cache = cacheOn(custom);
      const claims = claimsFor(600);
      const token = tokenWith(claims);

      await cache.remember(token, { claims, provider: providers[1] });

      expect(await cache.lookup(token)).to.deep.equal({ kind: 'hit', verified: { claims, provider: providers[1] } });
    });

    it('lookup of unknown token is miss', async function () {
      expect(await cacheOn(custom).lookup(tokenWith(claimsFor(600)))).to.deep.equal({ kind: 'miss' });
    });

    it('revoke makes lookup revoked', async function () {
      const cache = cacheOn(custom);
      const claims = claimsFor(600);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      await cache.revoke(token);

      expect(await cache.lookup(token)).to.deep.equal({ kind: 'revoked' });
    });

    it('hit past exp is miss without store ttl', async function () {
      const cache = cacheOn(custom);
      const claims = claimsFor(60);
      const token = tokenWith(claims);
      await cache.remember(token, { claims, provider: providers[0] });

      clock.advance((60 + TOLERANCE_SECONDS + 1) * 1000);

      expect(await cache.lookup(token)).to.deep.equal({ kind: 'miss' });
    });

    it('listTokens shows digests only', async function () {
      const cache = cacheOn(custom);
      const claims = claimsFor(600);
      const token = tokenWith(claims);

      await cache.remember(token, { claims, provider: providers[0] });

      expect(Object.keys(custom.listTokens())).to.deep.equal([verifiedTokenKey(NAMESPACE, token)]);
    });
  });
});
