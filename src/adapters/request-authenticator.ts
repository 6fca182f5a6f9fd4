import type { IncomingMessage } from 'node:http';

import { errors as joseErrors } from 'jose';

import type { CacheLookup, VerifiedTokenCache } from '../cache/verified-token-cache.js';
import type { LoggerProtocol } from '../logging/logger-protocol.js';
import type { TokenVerifier, VerifiedToken } from '../verification/token-verifier.js';
import { checkTokenCharacters, extractBearerToken } from '../verification/bearer.js';
import { AuthError } from '../verification/errors.js';
import { clearCheckedCompactJws, looksLikeJws } from '../verification/token-parts.js';
import { ConnectionMemo } from './connection-memo.js';
import { ExcludedPaths } from './excluded-paths.js';
import type { HttpExchange } from './http-exchange.js';

/** Settings of the authenticator: accepted credentials and requests let through without a token. */
export interface AuthenticatorSettings {
  excludedPaths: readonly string[];
  maxTokenLength: number;
  /** Also read the token from the `access_token` query parameter (RFC 6750 section 2.3). */
  allowQueryToken: boolean;
  /** Let CORS preflight requests through without a token. */
  allowPreflight: boolean;
}

/**
 * Authenticates requests: reads the bearer token and verifies it at most once per request, however
 * many of the middleware and checkers ask.
 */
export class RequestAuthenticator {
  // Each request's result is kept on the request under a symbol of this configuration. That costs
  // less per request than a WeakMap entry, is invisible to string keys and JSON, and goes with the request.
  private readonly resultKey = Symbol('routing-controllers-oidc verified token');
  private readonly excluded: ExcludedPaths;
  private readonly memo: ConnectionMemo | undefined;

  constructor(
    private readonly verifier: TokenVerifier,
    /** The verified-token cache, or `undefined` when `tokenTtl` is 0. */
    readonly cache: VerifiedTokenCache | undefined,
    private readonly settings: AuthenticatorSettings,
    private readonly logger: LoggerProtocol,
  ) {
    this.excluded = new ExcludedPaths(settings.excludedPaths);
    this.memo = cache === undefined ? undefined : new ConnectionMemo(cache);
  }

  /** Tells whether the global middleware lets the request through without a token. */
  needsNoToken(exchange: HttpExchange): boolean {
    if (this.settings.allowPreflight && isPreflight(exchange)) {
      return true;
    }
    return this.excluded.includes(exchange.path);
  }

  /** Tells whether the request carries credentials: an `Authorization` header, or a query token when allowed. */
  hasCredentials(exchange: HttpExchange): boolean {
    if (exchange.authorizationHeader() !== undefined) {
      return true;
    }
    return this.settings.allowQueryToken && exchange.queryToken() !== undefined;
  }

  /**
   * Verifies the request's bearer token and puts its claims on the request (`ctx.state.user` on
   * Koa, `req.user` on Express).
   *
   * The result is a plain value when the in-memory cache has the token, because a promise would
   * cost every such request a few microtask turns. Otherwise it is a promise.
   *
   * @throws {AuthError} `missing_token` when there is no bearer token, or the verifier's error, as
   * a rejected promise.
   */
  authenticate(exchange: HttpExchange): VerifiedToken | Promise<VerifiedToken> {
    const result = this.resultFor(exchange);
    if (result instanceof Promise) {
      return result.then((verified) => this.putUser(exchange, verified));
    }
    return this.putUser(exchange, result);
  }

  /**
   * Returns what {@link authenticate} returns, without putting the claims on the request. A caller
   * that goes on with the result calls {@link putUser} in the same step, which saves a promise.
   */
  resultFor(exchange: HttpExchange): VerifiedToken | Promise<VerifiedToken> {
    const request = exchange.request as IncomingMessage & Record<symbol, VerifiedToken | Promise<VerifiedToken> | undefined>;
    let result = request[this.resultKey];
    if (result === undefined) {
      result = this.start(exchange);
      request[this.resultKey] = result;
    }
    return result;
  }

  /** Puts the claims of `verified` on the request and returns `verified`. */
  putUser(exchange: HttpExchange, verified: VerifiedToken): VerifiedToken {
    exchange.setUser(verified.claims);
    return verified;
  }

  // A failure, thrown at once or later, is logged once and becomes a rejected promise that every
  // later caller for the same request receives.
  private start(exchange: HttpExchange): VerifiedToken | Promise<VerifiedToken> {
    try {
      const outcome = this.verify(exchange);
      return outcome instanceof Promise ? outcome.catch((error: unknown) => this.rejected(error)) : outcome;
    } catch (error) {
      return this.rejected(error);
    } finally {
      // A token found in the cache, or rejected early, never reaches the verifier's check.
      clearCheckedCompactJws();
    }
  }

  private rejected(error: unknown): Promise<never> {
    this.logger.debug('Token rejected', rejectionDetails(error));
    return Promise.reject(error);
  }

  // Returns the verified token itself when the in-memory cache has it, otherwise a promise of it.
  private verify(exchange: HttpExchange): VerifiedToken | Promise<VerifiedToken> {
    const lines = exchange.authorizationHeaderCount();
    const header = this.memo === undefined ? undefined : this.memoHeader(exchange, lines);
    const recalled = header === undefined ? undefined : this.memo?.recall(exchange.request, header);
    if (recalled !== undefined) {
      return recalled;
    }
    // A header that this connection sent before is neither read nor hashed again.
    const read = header === undefined ? undefined : this.memo?.tokenFor(exchange.request, header);
    const token = read?.token ?? this.readToken(exchange, lines);
    if (token === undefined) {
      throw new AuthError('missing_token');
    }
    const cache = this.cache;
    if (cache === undefined) {
      return this.verifier.verify(token);
    }
    const keys = read?.keys ?? cache.keysFor(token);
    const known = cache.lookupInMemory(token, keys);
    if (header !== undefined) {
      this.memo?.keep(exchange.request, header, read ?? { token, keys }, known?.kind === 'hit' ? known : undefined);
    }
    if (known !== undefined) {
      return this.settle(cache, token, known);
    }
    // Other stores are asked only about tokens with the three parts of a JWS, so most malformed ones cost no round trip.
    return looksLikeJws(token) ? this.lookUpAndSettle(cache, token, keys) : this.verifier.verify(token);
  }

  private async lookUpAndSettle(cache: VerifiedTokenCache, token: string, keys: string[]): Promise<VerifiedToken> {
    return this.settle(cache, token, await cache.lookup(token, keys));
  }

  private settle(cache: VerifiedTokenCache, token: string, lookup: CacheLookup): VerifiedToken | Promise<VerifiedToken> {
    if (lookup.kind === 'revoked') {
      throw new AuthError('invalid_token', { reason: 'the token is revoked' });
    }
    return lookup.kind === 'hit' ? lookup.verified : this.verifyAndRemember(cache, token);
  }

  private async verifyAndRemember(cache: VerifiedTokenCache, token: string): Promise<VerifiedToken> {
    const verified = await this.verifier.verify(token);
    await cache.remember(token, verified);
    return verified;
  }

  // The header that the connection memo may look up: the value the token is read from, when the
  // request sent at most one `Authorization` line (`lines`) and no query token beside it. Any other
  // request reads its token, and fails, as usual.
  private memoHeader(exchange: HttpExchange, lines: number): string | undefined {
    const header = exchange.authorizationHeader();
    if (header === undefined || lines > 1) {
      return undefined;
    }
    return this.settings.allowQueryToken && exchange.queryToken() !== undefined ? undefined : header;
  }

  // RFC 6750 section 2: a client uses one way of sending the token, so two at once is a malformed request.
  private readToken(exchange: HttpExchange, lines: number): string | undefined {
    if (lines > 1) {
      throw new AuthError('invalid_request');
    }
    const fromHeader = extractBearerToken(exchange.authorizationHeader(), this.settings.maxTokenLength);
    const fromQuery = this.settings.allowQueryToken ? exchange.queryToken() : undefined;
    if (fromQuery === undefined) {
      return fromHeader;
    }
    if (typeof fromQuery !== 'string' || fromHeader !== undefined) {
      throw new AuthError('invalid_request');
    }
    return fromQuery === '' ? undefined : checkTokenCharacters(fromQuery, this.settings.maxTokenLength);
  }
}

// The stable code of a rejection and, when jose raised it, jose's code: never the token or a claim.
function rejectionDetails(error: unknown): Record<string, unknown> {
  if (!(error instanceof AuthError)) {
    return { code: 'unexpected', reason: error instanceof Error ? error.name : typeof error };
  }
  const cause = error.cause;
  // jose names the claim it rejected (aud, iss, nbf…) but never its value.
  const claim = cause instanceof joseErrors.JWTClaimValidationFailed ? cause.claim : undefined;
  return { code: error.code, reason: error.reason ?? (cause instanceof joseErrors.JOSEError ? cause.code : undefined), claim };
}

function isPreflight(exchange: HttpExchange): boolean {
  return exchange.method === 'OPTIONS' && exchange.header('origin') !== undefined && exchange.header('access-control-request-method') !== undefined;
}
