import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { expect } from 'chai';
import Keyv from 'keyv';

import type { TokenPage } from '../src/cache/cache-protocol.js';
import { TokenCache } from '../src/cache/token-cache.js';
import { REDIS_URL, requireRedis, uniqueNamespace } from './support/redis.js';
import { rejectionOf } from './support/unit/rejection.js';

/** A store the shared cases run against: `open` creates the cache, `close` deletes what it wrote. */
interface StoreUnderTest {
  name: string;
  prepare(context: Mocha.Context): Promise<void>;
  open(): TokenCache;
  close(cache: TokenCache): Promise<void>;
}

const memoryStore: StoreUnderTest = {
  name: 'memory',
  prepare: async () => undefined,
  open: () => new TokenCache(),
  close: async (cache) => cache.clear(),
};

function sqliteStore(): StoreUnderTest {
  let folder = '';
  return {
    name: 'SQLite',
    prepare: async () => {
      folder = mkdtempSync(path.join(tmpdir(), 'rco-token-cache-'));
    },
    open: () => new TokenCache(new Keyv({ store: new KeyvSqlite(`sqlite://${path.join(folder, 'tokens.sqlite')}`) })),
    close: async (cache) => {
      await cache.clear();
      await cache.keyv.disconnect();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

const redisStore: StoreUnderTest = {
  name: 'Redis',
  prepare: (context) => requireRedis(context),
  open: () => new TokenCache(new Keyv({ store: new KeyvRedis(REDIS_URL), namespace: uniqueNamespace('token-cache') })),
  close: async (cache) => {
    await cache.clear();
    await cache.keyv.disconnect();
  },
};

/** Returns a Keyv store whose every operation throws, like a store whose server is down. */
function throwingStore(): Record<string, () => never> {
  const fail = (): never => {
    throw new Error('store is down');
  };
  return { get: fail, set: fail, delete: fail, clear: fail };
}

/** Opens `store` before the suite's tests, empties it before each, and closes it after them. Returns the open cache. */
function useStore(store: StoreUnderTest): () => TokenCache {
  let cache: TokenCache | undefined;

  before(async function () {
    await store.prepare(this);
    cache = store.open();
  });

  beforeEach(async function () {
    await cache!.clear();
  });

  after(async function () {
    if (cache !== undefined) {
      await store.close(cache);
    }
  });

  return () => cache!;
}

for (const store of [memoryStore, sqliteStore(), redisStore]) {
  describe(`TokenCache on ${store.name} store`, function () {
    const opened = useStore(store);

    it('getToken returns added value', async function () {
      await opened().addToken('rco:ns:digest-1', { claims: { sub: 'user-1' }, provider: 0 });
      expect(await opened().getToken('rco:ns:digest-1')).to.deep.equal({ claims: { sub: 'user-1' }, provider: 0 });
    });

    // Keyv's default serializer marks strings that start with a colon, and Buffers as ':base64:'.
    it('keeps strings as they were added', async function () {
      const value = { claims: { sub: ':base64:AAAA', name: '::two colons', note: ':' }, provider: 0 };
      await opened().addToken('colons', value);
      await opened().addToken('plain', ':text');
      await opened().addToken('number text', '123');

      expect(await opened().getToken('colons')).to.deep.equal(value);
      expect(await opened().getTokens(['plain', 'colons'])).to.deep.equal([':text', value]);
      expect((await opened().listTokens()).tokens.colons.value).to.deep.equal(value);
      expect((await opened().listTokens()).tokens.plain.value).to.equal(':text');
      expect((await opened().listTokens()).tokens['number text'].value).to.equal('123');
    });

    it('getToken of missing key is undefined', async function () {
      expect(await opened().getToken('rco:ns:missing')).to.equal(undefined);
    });

    it('getTokens keeps order with undefined gaps', async function () {
      await opened().addToken('first', 1);
      await opened().addToken('second', 2);
      expect(await opened().getTokens(['second', 'missing', 'first'])).to.deep.equal([2, undefined, 1]);
    });

    it('removeToken returns true then false', async function () {
      await opened().addToken('key', 'value');
      expect(await opened().removeToken('key'), 'first removal').to.equal(true);
      expect(await opened().removeToken('key'), 'second removal').to.equal(false);
    });

    it('removeToken deletes entry', async function () {
      await opened().addToken('key', 'value');
      await opened().removeToken('key');
      expect(await opened().getToken('key')).to.equal(undefined);
    });

    it('clear removes every entry', async function () {
      await opened().addToken('first', 1);
      await opened().addToken('second', 2);

      await opened().clear();

      expect(await opened().getTokens(['first', 'second'])).to.deep.equal([undefined, undefined]);
      expect((await opened().listTokens()).totalTokens).to.equal(0);
    });

    // Reading a page through LruMap.get reorders the memory store, which once made pages skip entries.
    it('listTokens pages cover every entry', async function () {
      const values: Record<string, number> = { 'rco:ns:a': 1, 'rco:ns:b': 2, 'rco:ns:c': 3 };
      for (const [key, value] of Object.entries(values)) {
        await opened().addToken(key, value, 60_000);
      }

      const first = await opened().listTokens(1, 2);
      const second = await opened().listTokens(2, 2);

      expect(first.totalTokens).to.equal(3);
      expect(first.totalPages).to.equal(2);
      expect(first.currentPage).to.equal(1);
      expect(second.currentPage).to.equal(2);
      expect(Object.keys(first.tokens)).to.have.length(2);
      expect(Object.keys(second.tokens)).to.have.length(1);
      const listed = { ...first.tokens, ...second.tokens };
      expect(Object.keys(listed).sort()).to.deep.equal(Object.keys(values));
      for (const [key, value] of Object.entries(values)) {
        expect(listed[key].value, key).to.equal(value);
      }
    });

    it('listTokens page past end is empty', async function () {
      await opened().addToken('only', 1);
      const page = await opened().listTokens(3, 10);
      expect(page.tokens).to.deep.equal({});
      expect(page.totalTokens).to.equal(1);
    });

    it('listTokens defaults to first page of ten', async function () {
      for (let index = 0; index < 12; index += 1) {
        await opened().addToken(`key-${index}`, index);
      }
      const page = await opened().listTokens();
      expect(page.currentPage).to.equal(1);
      expect(page.totalPages).to.equal(2);
      expect(Object.keys(page.tokens)).to.have.length(10);
    });

    it('entry without ttl has no expiration', async function () {
      await opened().addToken('forever', 1);
      const page = await opened().listTokens();
      expect(page.tokens.forever.expiration).to.equal(undefined);
    });

    it('passes ttl to store', async function () {
      const ttlMs = 120_000;
      const before = Date.now();
      await opened().addToken('short-lived', 1, ttlMs);
      const after = Date.now();

      const { expiration } = (await opened().listTokens()).tokens['short-lived'];

      expect(expiration).to.be.a('number');
      expect(expiration).to.be.at.least(before + ttlMs);
      expect(expiration).to.be.at.most(after + ttlMs);
    });
  });
}

// What a given Keyv holds: each value as JSON text, which the cache parses when it reads.
for (const store of [sqliteStore(), redisStore]) {
  describe(`TokenCache values in ${store.name} store`, function () {
    const opened = useStore(store);

    it('stores value as JSON text', async function () {
      const value = { claims: { sub: 'user-1', roles: ['reader'] }, provider: 0 };
      await opened().addToken('entry', value);
      expect(await opened().keyv.get('entry')).to.equal(JSON.stringify(value));
    });

    it('reads text that is not JSON as it is', async function () {
      await opened().keyv.set('broken', '{"claims":');
      expect(await opened().getToken('broken'), 'getToken').to.equal('{"claims":');
      expect(await opened().getTokens(['broken']), 'getTokens').to.deep.equal(['{"claims":']);
      expect((await opened().listTokens()).tokens.broken.value, 'listTokens').to.equal('{"claims":');
    });

    it('reads value of another type as it is', async function () {
      const value = { claims: { sub: 'user-1' }, provider: 0 };
      await opened().keyv.set('object', value);
      await opened().keyv.set('number', 7);
      expect(await opened().getToken('object')).to.deep.equal(value);
      expect(await opened().getTokens(['number', 'object'])).to.deep.equal([7, value]);
    });
  });
}

describe('TokenCache', function () {
  it('default memory store evicts beyond maxSize', async function () {
    const cache = new TokenCache(undefined, 2);
    await cache.addToken('first', 1);
    await cache.addToken('second', 2);
    await cache.addToken('third', 3);

    expect(await cache.getTokens(['first', 'second', 'third'])).to.deep.equal([undefined, 2, 3]);
    expect((await cache.listTokens()).totalTokens).to.equal(2);
  });

  it('default memory stores are separate', async function () {
    const first = new TokenCache();
    const second = new TokenCache();
    await first.addToken('key', 1);
    expect(await second.getToken('key')).to.equal(undefined);
  });

  it('default memory store returns frozen values', async function () {
    const cache = new TokenCache();
    await cache.addToken('key', { claims: { roles: ['user'] } });

    const reads = {
      getToken: await cache.getToken('key'),
      getTokens: (await cache.getTokens(['key']))[0],
      getTokensNow: cache.getTokensNow(['key'])?.[0],
      listTokens: (await cache.listTokens()).tokens.key.value,
    };
    for (const [name, value] of Object.entries(reads)) {
      const roles = (value as { claims: { roles: string[] } }).claims.roles;
      expect(() => roles.push('admin'), name).to.throw(TypeError);
    }

    expect(await cache.getToken('key')).to.deep.equal({ claims: { roles: ['user'] } });
  });

  it('default memory store detaches added value', async function () {
    const cache = new TokenCache();
    const value = { claims: { roles: ['user'] } };
    await cache.addToken('key', value);

    value.claims.roles.push('admin');

    expect(await cache.getToken('key')).to.deep.equal({ claims: { roles: ['user'] } });
  });

  it('default memory store keeps values as JSON', async function () {
    const cache = new TokenCache();
    await cache.addToken('key', { at: new Date(0), missing: undefined });
    expect(await cache.getToken('key')).to.deep.equal({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('getTokensNow reads default memory store', async function () {
    const cache = new TokenCache();
    await cache.addToken('first', 1);
    await cache.addToken('expired', 2, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));

    expect(cache.getTokensNow(['first', 'missing', 'expired'])).to.deep.equal([1, undefined, undefined]);
  });

  it('readNow stamp stays current until the store changes', async function () {
    const cache = new TokenCache();
    await cache.addToken('first', 1);
    const read = cache.readNow(['first', 'missing']);
    expect(read?.values).to.deep.equal([1, undefined]);

    await cache.getToken('first');
    expect(cache.isCurrent(read!.stamp), 'after a read').to.equal(true);
    await cache.addToken('missing', 2);
    expect(cache.isCurrent(read!.stamp), 'after a write').to.equal(false);
  });

  it('readNow stamp ends when an entry it found expires', async function () {
    const cache = new TokenCache();
    await cache.addToken('short', 1, 20);
    await cache.addToken('long', 2, 60_000);
    const read = cache.readNow(['long', 'short']);
    expect(read?.values).to.deep.equal([2, 1]);
    expect(cache.isCurrent(read!.stamp), 'at once').to.equal(true);

    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(cache.isCurrent(read!.stamp), 'after short expired').to.equal(false);
  });

  it('readNow stamp of another cache is not current', async function () {
    const first = new TokenCache();
    const second = new TokenCache();
    const read = first.readNow(['key']);
    expect(second.isCurrent(read!.stamp)).to.equal(false);
    expect(new TokenCache(new Keyv()).isCurrent(read!.stamp), 'cache on a given Keyv').to.equal(false);
  });

  it('getTokensNow is undefined for given Keyv', async function () {
    const cache = new TokenCache(new Keyv());
    await cache.addToken('first', 1);
    expect(cache.getTokensNow(['first'])).to.equal(undefined);
    expect(cache.readNow(['first'])).to.equal(undefined);
  });

  it('turns on throwOnErrors of given Keyv', function () {
    const keyv = new Keyv();
    new TokenCache(keyv);
    expect(keyv.throwOnErrors).to.equal(true);
  });

  describe('on throwing store', function () {
    let cache: TokenCache;

    beforeEach(function () {
      cache = new TokenCache(new Keyv({ store: throwingStore() }));
    });

    it('getToken rejects', async function () {
      const error = await rejectionOf(cache.getToken('key'));
      expect((error as Error).message).to.equal('store is down');
    });

    it('addToken rejects', async function () {
      const error = await rejectionOf(cache.addToken('key', 1, 1000));
      expect((error as Error).message).to.equal('store is down');
    });

    it('removeToken rejects', async function () {
      const error = await rejectionOf(cache.removeToken('key'));
      expect((error as Error).message).to.equal('store is down');
    });

    it('clear rejects', async function () {
      const error = await rejectionOf(cache.clear());
      expect((error as Error).message).to.equal('store is down');
    });

    // Keyv 5.6 getMany reads a store without getMany through Promise.allSettled, which hides failures.
    it('getTokens rejects', async function () {
      const outcome = await cache.getTokens(['first', 'second']).then(
        (values) => ({ resolved: values }),
        (error: Error) => ({ rejected: error.message }),
      );
      expect(outcome).to.deep.equal({ rejected: 'store is down' });
    });
  });

  it('listTokens rejects when store cannot list', async function () {
    const entries = new Map<string, unknown>();
    const store = {
      get: (key: string) => entries.get(key),
      set: (key: string, value: unknown) => void entries.set(key, value),
      delete: (key: string) => entries.delete(key),
      clear: () => entries.clear(),
    };
    const cache = new TokenCache(new Keyv({ store }));
    await cache.addToken('key', 1);

    const error = await rejectionOf(cache.listTokens());

    expect((error as Error).message).to.equal('This Keyv store cannot list its entries.');
  });

  it('listTokens page has documented shape', async function () {
    const cache = new TokenCache();
    await cache.addToken('key', { claims: {} }, 1000);
    const page: TokenPage = await cache.listTokens();
    expect(Object.keys(page).sort()).to.deep.equal(['currentPage', 'tokens', 'totalPages', 'totalTokens']);
    expect(Object.keys(page.tokens.key).sort()).to.deep.equal(['expiration', 'value']);
  });
});
