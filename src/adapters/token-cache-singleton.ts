import type { JWTPayload } from 'jose';
import { Container } from 'typedi';

import type { VerifiedTokenCache } from '../cache/verified-token-cache.js';
import { getOidcAuth } from './checkers.js';
import { OIDC_TOKEN_CACHE } from './container-tokens.js';

/**
 * Static access to the container's verified-token cache, by raw token: the library hashes each
 * token before it reaches the store. Removing a token only forces its next use to be verified
 * again; to refuse it, use `revokeToken`.
 *
 * @example
 * await TokenCacheSingleton.revokeToken(token); // at logout
 * const page = await TokenCacheSingleton.listTokens(1, 100);
 */
export class TokenCacheSingleton {
  /** Adds claims for a token by hand, under the configured provider whose issuer matches `claims.iss`. */
  static async addToken(token: string, claims: JWTPayload): Promise<void> {
    const cache = activeCache();
    const provider = cache.providerFor(claims);
    if (provider === undefined) {
      throw new Error("No configured provider issues tokens with this token's iss claim.");
    }
    await cache.add(token, { claims, provider });
  }

  /** Returns the cached claims of a token, or `undefined` when it is not cached, expired or revoked. */
  static async getToken(token: string): Promise<JWTPayload | undefined> {
    const found = await activeCache().lookup(token);
    return found.kind === 'hit' ? found.verified.claims : undefined;
  }

  /** Removes a token's cached claims; returns whether they were there. */
  static async removeToken(token: string): Promise<boolean> {
    return activeCache().forget(token);
  }

  /** Refuses `token` (401) until its `exp`, on every instance that shares the cache store. */
  static async revokeToken(token: string): Promise<void> {
    await activeCache().revoke(token);
  }

  /** Removes every entry of the cache store. */
  static async clear(): Promise<void> {
    activeCache();
    await Container.get(OIDC_TOKEN_CACHE).clear();
  }

  /** Returns one page of cache entries, by key (a digest of the token), for debugging. */
  static async listTokens(page = 1, pageSize = 10): Promise<unknown> {
    activeCache();
    return Container.get(OIDC_TOKEN_CACHE).listTokens(page, pageSize);
  }
}

/**
 * Refuses `token` (401) until its `exp` on every instance that shares the cache store, by a mark
 * in that store. Throws when the store fails.
 */
export function revokeToken(token: string): Promise<void> {
  return TokenCacheSingleton.revokeToken(token);
}

function activeCache(): VerifiedTokenCache {
  const cache = getOidcAuth().authenticator.cache;
  if (cache === undefined) {
    throw new Error('The token cache is off because tokenTtl is 0.');
  }
  return cache;
}
