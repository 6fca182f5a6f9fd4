import Keyv from 'keyv';

import type { CacheProtocol, TokenPage } from './cache-protocol.js';
import { freezeJson, toJsonValue } from './json-value.js';
import { LruMap } from './lru-map.js';

/** An entry of the default in-memory store, as Keyv writes it when it does not serialize. */
interface MemoryEntry {
  value: unknown;
  /** Expiry in milliseconds since the epoch, or `undefined` for none. */
  expires?: number;
}

/**
 * The state of the default in-memory store at one read, which {@link TokenCache.isCurrent} compares
 * with its state now.
 */
export interface MemoryReadStamp {
  readonly store: object;
  readonly version: number;
  /** The earliest expiry of the entries found, in `Date.now()` milliseconds, or `Infinity` when none expires. */
  readonly until: number;
}

/** The Keyv namespace of the default in-memory store. */
export const DEFAULT_CACHE_NAMESPACE = 'routing-controllers-oidc';

/**
 * The verified-token cache on a Keyv store: in memory by default, or Redis (`@keyv/redis`),
 * SQLite (`@keyv/sqlite`) or any other Keyv store handed to it. Give it a Keyv namespace of its
 * own, because `clear()` empties the whole namespace. It sets `throwOnErrors` on that Keyv, so that
 * store failures reach the library instead of looking like misses. It hands that Keyv each value as
 * JSON text and parses what it reads back, so values come back as JSON carries them. A value read
 * back that is not JSON text, which other code wrote, is returned as it is.
 *
 * @example
 * import KeyvRedis from '@keyv/redis';
 * const cache = new TokenCache(new Keyv({ store: new KeyvRedis('redis://127.0.0.1:6379'), namespace: 'orders-api-tokens' }));
 * configureOidcAuth({ oidcUrls, audiences, customTokenCache: cache });
 */
export class TokenCache implements CacheProtocol {
  readonly keyv: Keyv;
  /** Whether this is the default in-memory store, which can neither fail nor hang. */
  readonly inMemory: boolean;
  private readonly memory: LruMap<string, MemoryEntry> | undefined;

  /** @param maxSize the most entries the default in-memory store keeps (least recently used go first). */
  constructor(keyv?: Keyv, maxSize = 1000) {
    this.inMemory = keyv === undefined;
    this.memory = keyv === undefined ? new LruMap(maxSize) : undefined;
    // The default store keeps entries unserialized. Values go in as frozen JSON values (see
    // addToken), so every reader can share them and none can change what another reads.
    this.keyv = keyv ?? new Keyv({ store: this.memory, namespace: DEFAULT_CACHE_NAMESPACE, serialize: undefined, deserialize: undefined });
    this.keyv.throwOnErrors = true;
  }

  async addToken(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.keyv.set(key, this.inMemory ? freezeJson(toJsonValue(value)) : JSON.stringify(value), ttlMs);
  }

  async getToken(key: string): Promise<unknown> {
    return this.memory === undefined ? fromStoredText(await this.keyv.get(key)) : this.readMemory(this.memory, key, Date.now())?.value;
  }

  /**
   * Returns the values of `keys` from the default in-memory store without waiting, or `undefined`
   * when this cache uses another Keyv store. The values are frozen.
   */
  getTokensNow(keys: readonly string[]): unknown[] | undefined {
    return this.readNow(keys)?.values;
  }

  /**
   * Reads `keys` like {@link getTokensNow}, and also returns a stamp for {@link isCurrent}.
   * Returns `undefined` when this cache uses another Keyv store.
   */
  readNow(keys: readonly string[]): { values: unknown[]; stamp: MemoryReadStamp } | undefined {
    const memory = this.memory;
    if (memory === undefined) {
      return undefined;
    }
    const now = Date.now();
    let until = Number.POSITIVE_INFINITY;
    const values = keys.map((key) => {
      const entry = this.readMemory(memory, key, now);
      if (typeof entry?.expires === 'number' && entry.expires < until) {
        until = entry.expires;
      }
      return entry?.value;
    });
    return { values, stamp: { store: memory, version: memory.version, until } };
  }

  /**
   * Checks that the read that returned `stamp` would still return the same values: nothing was
   * written to, removed from or cleared in this store since, and no entry it found has expired.
   *
   * @param now the current time in `Date.now()` milliseconds, passed by a caller that has just read it.
   */
  isCurrent(stamp: MemoryReadStamp, now = Date.now()): boolean {
    return stamp.store === this.memory && stamp.version === this.memory.version && now <= stamp.until;
  }

  /** Returns the values of `keys`, in one request when the store can read several keys at once. */
  async getTokens(keys: string[]): Promise<unknown[]> {
    const known = this.getTokensNow(keys);
    if (known !== undefined) {
      return known;
    }
    // Keyv's own fallback for stores without getMany swallows their errors, so it is not used.
    let values: unknown[];
    if (typeof (this.keyv.store as { getMany?: unknown }).getMany === 'function') {
      values = await this.keyv.getMany(keys);
    } else {
      values = await Promise.all(keys.map((key) => this.keyv.get(key)));
    }
    return values.map(fromStoredText);
  }

  async removeToken(key: string): Promise<boolean> {
    return this.keyv.delete(key);
  }

  async clear(): Promise<void> {
    await this.keyv.clear();
  }

  /**
   * Returns one page of entries, by cache key. It reads every key of the namespace, so keep it for
   * debugging.
   *
   * @throws {Error} when the store cannot list its entries.
   */
  async listTokens(page = 1, pageSize = 10): Promise<TokenPage> {
    // Sorted, because the in-memory store reorders entries as they are read.
    const keys = (await this.allKeys()).sort();
    const totalPages = Math.ceil(keys.length / pageSize);
    const pageKeys = keys.slice((page - 1) * pageSize, page * pageSize);
    const raw = pageKeys.length === 0 ? [] : await this.keyv.getManyRaw(pageKeys);
    const tokens: TokenPage['tokens'] = {};
    pageKeys.forEach((key, index) => {
      const entry = raw[index];
      if (entry !== undefined && entry !== null) {
        tokens[key] = { value: this.inMemory ? entry.value : fromStoredText(entry.value), expiration: entry.expires };
      }
    });
    return { totalTokens: keys.length, totalPages, currentPage: page, tokens };
  }

  // Reads the default in-memory store as Keyv would, without Keyv's asynchronous steps: on the hot path.
  // Keyv stamps `expires` with Date.now(), so the store's own expiry is judged by Date.now() too.
  private readMemory(memory: LruMap<string, MemoryEntry>, key: string, now: number): MemoryEntry | undefined {
    const entry = memory.get(`${DEFAULT_CACHE_NAMESPACE}:${key}`);
    return entry === undefined || (typeof entry.expires === 'number' && now > entry.expires) ? undefined : entry;
  }

  private async allKeys(): Promise<string[]> {
    if (this.keyv.iterator === undefined) {
      throw new Error('This Keyv store cannot list its entries.');
    }
    const keys: string[] = [];
    for await (const [key] of this.keyv.iterator(undefined)) {
      keys.push(String(key));
    }
    return keys;
  }
}

// A given Keyv store keeps each value as JSON text, so Keyv's default deserializer revives one string
// instead of every value inside the entry. For the claims of Keycloak, Azure AD, Okta, Auth0 and
// Cognito tokens, that cut the cost of reading an entry to between a half and a third. Measured once,
// in one process with @keyv/redis loaded: 3.9 to 8.1 µs against 8.5 to 25.6 µs. A value that is not
// JSON text, written by other code, is returned as it is, so a revocation mark stays a mark.
function fromStoredText(value: unknown): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
