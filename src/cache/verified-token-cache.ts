import { decodeJwt, type JWTPayload } from 'jose';

import type { LoggerProtocol } from '../logging/logger-protocol.js';
import { systemClock, type Clock } from '../verification/clock.js';
import type { TrustedProvider, VerifiedToken } from '../verification/token-verifier.js';
import { mayIssue } from '../discovery/issuer-rules.js';
import type { CacheProtocol } from './cache-protocol.js';
import { freezeJson } from './json-value.js';
import { StoreGuard, withTimeout } from './store-guard.js';
import { TokenCache, type MemoryReadStamp } from './token-cache.js';
import { digestToken, revokedTokenKey, verifiedTokenKey } from './token-key.js';

/** The outcome of a cache lookup. */
export type CacheLookup = { kind: 'hit'; verified: VerifiedToken } | { kind: 'revoked' } | { kind: 'miss' };

/** A hit of the default in-memory store, which {@link VerifiedTokenCache.isCurrent} can confirm later without a lookup. */
export interface MemoryHit {
  kind: 'hit';
  verified: VerifiedToken;
  stamp: MemoryReadStamp;
}

/** The outcome of a lookup in the default in-memory store. */
export type MemoryLookup = MemoryHit | { kind: 'revoked' } | { kind: 'miss' };

/** Settings of the verified-token cache. */
export interface CacheSettings {
  namespace: string;
  tokenTtlMs: number;
  /** How long one store operation may take before the request goes on without the cache. */
  timeoutMs: number;
  /** How long the store is skipped after a failure. */
  retryAfterMs: number;
  clockToleranceSeconds: number;
}

interface StoredEntry {
  claims: JWTPayload;
  provider: number;
}

/**
 * Keeps verified tokens in a {@link CacheProtocol}, by SHA-256 digest, inside the configuration's
 * namespace. An entry lives min(`tokenTtl`, exp − now) and a hit is checked against `exp` again,
 * so an expired token is never served. Store failures turn into misses (see {@link StoreGuard}).
 */
export class VerifiedTokenCache {
  private readonly guard: StoreGuard;

  constructor(
    private readonly store: () => CacheProtocol,
    private readonly providers: readonly TrustedProvider[],
    private readonly settings: CacheSettings,
    private readonly clock: Clock,
    logger: LoggerProtocol,
  ) {
    this.guard = new StoreGuard(settings, clock, logger);
  }

  /**
   * Looks `token` up at once when the store is the default in-memory `TokenCache`, which can neither
   * fail nor hang. Returns `undefined` for any other store, which only {@link lookup} reads.
   */
  lookupInMemory(token: string, keys = this.keysFor(token)): MemoryLookup | undefined {
    const store = this.store();
    const read = store instanceof TokenCache ? store.readNow(keys) : undefined;
    if (read === undefined) {
      return undefined;
    }
    const lookup = this.judge(read.values, false);
    return lookup.kind === 'hit' ? { kind: 'hit', verified: lookup.verified, stamp: read.stamp } : lookup;
  }

  /**
   * Checks that a new lookup of the token would return the same hit as `hit`: the same store is
   * configured, nothing changed in it since, and the token has not expired meanwhile.
   */
  isCurrent(hit: MemoryHit): boolean {
    const store = this.store();
    if (!(store instanceof TokenCache)) {
      return false;
    }
    const now = this.clock.now();
    // The store's expiry is in Date.now() time, which the system clock has just read.
    return store.isCurrent(hit.stamp, this.clock === systemClock ? now : Date.now()) && this.unexpired(hit.verified.claims, now);
  }

  /** Looks `token` up in one request to the store: its verified entry and its revocation mark. */
  async lookup(token: string, keys = this.keysFor(token)): Promise<CacheLookup> {
    const known = this.lookupInMemory(token, keys);
    if (known !== undefined) {
      return known;
    }
    const store = this.store();
    const values = await this.guard.run<unknown[]>(() => readMany(store, keys));
    return values === undefined ? { kind: 'miss' } : this.judge(values, true);
  }

  /** Stores a verified token for min(`tokenTtl`, exp − now); a failing store is skipped. */
  async remember(token: string, verified: VerifiedToken): Promise<void> {
    await this.guard.run(() => this.add(token, verified));
  }

  /**
   * Stores a verified token for min(`tokenTtl`, exp − now). A token without a future `exp` is not
   * stored. Unlike `remember`, this throws when the store fails or times out.
   */
  async add(token: string, verified: VerifiedToken): Promise<void> {
    const ttlMs = this.entryTtlMs(verified.claims.exp);
    const provider = this.providers.indexOf(verified.provider);
    if (ttlMs <= 0 || provider < 0) {
      return;
    }
    const entry: StoredEntry = { claims: verified.claims, provider };
    await withTimeout(() => this.store().addToken(verifiedTokenKey(this.settings.namespace, token), entry, ttlMs), this.settings.timeoutMs);
  }

  /** Returns the provider that could have issued `claims`, for entries added by hand. */
  providerFor(claims: JWTPayload): TrustedProvider | undefined {
    return this.providers.find((provider) => typeof claims.iss === 'string' && mayIssue(provider.documents.expectation, claims.iss));
  }

  /** Removes a token's verified entry, so that its next use is verified again. Throws when the store fails or times out. */
  async forget(token: string): Promise<boolean> {
    const key = verifiedTokenKey(this.settings.namespace, token);
    return Boolean(await withTimeout(() => this.store().removeToken(key), this.settings.timeoutMs));
  }

  /**
   * Marks `token` as revoked until its `exp` plus the clock tolerance (or for `tokenTtl` when it has
   * no `exp`) and removes its verified entry. Unlike lookups, this throws when the store fails or
   * times out, so that the caller can react.
   */
  async revoke(token: string): Promise<void> {
    const exp = readExp(token);
    const untilExpiry = exp === undefined ? this.settings.tokenTtlMs : (exp + this.settings.clockToleranceSeconds) * 1000 - this.clock.now();
    const ttlMs = Math.max(untilExpiry, 1000);
    await withTimeout(() => this.store().addToken(revokedTokenKey(token), { revoked: true }, ttlMs), this.settings.timeoutMs);
    await this.forget(token);
  }

  /** Returns the keys of the token's verified entry and of its revocation mark, in the order lookups read them. */
  keysFor(token: string): string[] {
    const digest = digestToken(token);
    return [verifiedTokenKey(this.settings.namespace, token, digest), revokedTokenKey(token, digest)];
  }

  // Values of the default in-memory store are frozen already, and those of other stores are frozen here.
  private judge(values: readonly unknown[], freeze: boolean): CacheLookup {
    if (values[1] !== undefined && values[1] !== null) {
      return { kind: 'revoked' };
    }
    const verified = this.toVerified(values[0]);
    if (verified === undefined) {
      return { kind: 'miss' };
    }
    return { kind: 'hit', verified: freeze ? { claims: freezeJson(verified.claims), provider: verified.provider } : verified };
  }

  private entryTtlMs(exp: unknown): number {
    if (typeof exp !== 'number') {
      return 0;
    }
    const untilExpiry = (exp + this.settings.clockToleranceSeconds) * 1000 - this.clock.now();
    return Math.min(this.settings.tokenTtlMs, untilExpiry);
  }

  private toVerified(value: unknown): VerifiedToken | undefined {
    const entry = value as Partial<StoredEntry> | null | undefined;
    const provider = typeof entry?.provider === 'number' ? this.providers[entry.provider] : undefined;
    const claims = entry?.claims;
    if (provider === undefined || claims === null || typeof claims !== 'object' || typeof claims.exp !== 'number') {
      return undefined;
    }
    return this.unexpired(claims) ? { claims, provider } : undefined;
  }

  private unexpired(claims: JWTPayload, now = this.clock.now()): boolean {
    return (claims.exp as number) > now / 1000 - this.settings.clockToleranceSeconds;
  }
}

async function readMany(store: CacheProtocol, keys: string[]): Promise<unknown[]> {
  const batched = (store as { getTokens?: (keys: string[]) => Promise<unknown[]> }).getTokens;
  if (typeof batched === 'function') {
    return batched.call(store, keys);
  }
  return Promise.all(keys.map((key) => store.getToken(key)));
}

function readExp(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
