import Keyv from 'keyv';

import type { CacheProtocol, TokenPage } from './cache-protocol.js';
import { LruMap } from './lru-map.js';

/** The Keyv namespace of the default in-memory store. */
export const DEFAULT_CACHE_NAMESPACE = 'routing-controllers-oidc';

/**
 * The verified-token cache on a Keyv store: in memory by default, or Redis (`@keyv/redis`),
 * SQLite (`@keyv/sqlite`) or any other Keyv store handed to it. Give it a Keyv namespace of its
 * own, because `clear()` empties the whole namespace. It sets `throwOnErrors` on that Keyv, so that
 * store failures reach the library instead of looking like misses.
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
  private readonly memory: LruMap<string, unknown> | undefined;

  /** @param maxSize the most entries the default in-memory store keeps (least recently used go first). */
  constructor(keyv?: Keyv, maxSize = 1000) {
    this.inMemory = keyv === undefined;
    this.memory = keyv === undefined ? new LruMap(maxSize) : undefined;
    // Plain JSON keeps each request's claims a copy of their own, and parses faster than Keyv's default.
    this.keyv = keyv ?? new Keyv({ store: this.memory, namespace: DEFAULT_CACHE_NAMESPACE, serialize: JSON.stringify, deserialize: JSON.parse });
    this.keyv.throwOnErrors = true;
  }

  async addToken(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.keyv.set(key, value, ttlMs);
  }

  async getToken(key: string): Promise<unknown> {
    return this.keyv.get(key);
  }

  /** Returns the values of `keys`, in one request when the store can read several keys at once. */
  async getTokens(keys: string[]): Promise<unknown[]> {
    if (this.memory !== undefined) {
      return keys.map((key) => this.readMemory(key));
    }
    // Keyv's own fallback for stores without getMany swallows their errors, so it is not used.
    if (typeof (this.keyv.store as { getMany?: unknown }).getMany === 'function') {
      return this.keyv.getMany(keys);
    }
    return Promise.all(keys.map((key) => this.keyv.get(key)));
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
        tokens[key] = { value: entry.value, expiration: entry.expires };
      }
    });
    return { totalTokens: keys.length, totalPages, currentPage: page, tokens };
  }

  // Reads the default in-memory store as Keyv would, without Keyv's asynchronous steps: on the hot path.
  private readMemory(key: string): unknown {
    const raw = this.memory?.get(`${DEFAULT_CACHE_NAMESPACE}:${key}`);
    if (typeof raw !== 'string') {
      return undefined;
    }
    const entry = JSON.parse(raw) as { value?: unknown; expires?: number };
    return typeof entry.expires === 'number' && Date.now() > entry.expires ? undefined : entry.value;
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
