/** One page of {@link CacheProtocol.listTokens}. */
export interface TokenPage {
  totalTokens: number;
  totalPages: number;
  currentPage: number;
  /** Entries by cache key (a digest of the token), each with its value and expiration time in ms since the epoch. */
  tokens: Record<string, { value: unknown; expiration: number | undefined }>;
}

/**
 * The contract of a verified-token cache. The library always calls it with a cache key made of a
 * SHA-256 digest of the token (never the raw token), so whatever the cache stores cannot be
 * replayed as a bearer token. Every method may return a value or a promise of one.
 *
 * @example
 * class InMemoryTokenCache implements CacheProtocol {
 *   private readonly entries = new Map<string, unknown>();
 *   addToken(key: string, value: unknown) { this.entries.set(key, value); }
 *   getToken(key: string) { return this.entries.get(key); }
 *   removeToken(key: string) { return this.entries.delete(key); }
 *   clear() { this.entries.clear(); }
 *   listTokens(page = 1, pageSize = 10) { return Object.fromEntries([...this.entries].slice((page - 1) * pageSize, page * pageSize)); }
 * }
 */
export interface CacheProtocol {
  /** Stores `value` under `key`; `ttlMs` is how long it may be kept, in milliseconds. */
  addToken(key: string, value: unknown, ttlMs?: number): unknown;
  /** Returns the value stored under `key`, or `undefined` (or `null`). */
  getToken(key: string): unknown;
  /** Removes `key`; returns whether it was there. */
  removeToken(key: string): unknown;
  /** Removes every entry. */
  clear(): unknown;
  /** Returns one page of entries, for debugging. */
  listTokens(page?: number, pageSize?: number): unknown;
}

/** Tells whether `value` implements {@link CacheProtocol}. */
export function isCacheProtocol(value: unknown): value is CacheProtocol {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const candidate = value as Record<string, unknown>;
  return ['addToken', 'getToken', 'removeToken', 'clear', 'listTokens'].every((name) => typeof candidate[name] === 'function');
}
