import type { IncomingMessage } from 'node:http';

import { errors as joseErrors } from 'jose';

import type { VerifiedTokenCache } from '../cache/verified-token-cache.js';
import type { LoggerProtocol } from '../logging/logger-protocol.js';
import type { TokenVerifier, VerifiedToken } from '../verification/token-verifier.js';
import { extractBearerToken } from '../verification/bearer.js';
import { AuthError } from '../verification/errors.js';
import { looksLikeJws } from '../verification/token-parts.js';
import { ExcludedPaths } from './excluded-paths.js';
import type { HttpExchange } from './http-exchange.js';

/**
 * Authenticates requests: reads the bearer token and verifies it at most once per request, however
 * many of the middleware and checkers ask.
 */
export class RequestAuthenticator {
  private readonly results = new WeakMap<IncomingMessage, Promise<VerifiedToken>>();
  private readonly excluded: ExcludedPaths;

  constructor(
    private readonly verifier: TokenVerifier,
    /** The verified-token cache, or `undefined` when `tokenTtl` is 0. */
    readonly cache: VerifiedTokenCache | undefined,
    excludedPaths: readonly string[],
    private readonly maxTokenLength: number,
    private readonly logger: LoggerProtocol,
  ) {
    this.excluded = new ExcludedPaths(excludedPaths);
  }

  /** Tells whether the request's path is one of the excluded paths. */
  isExcluded(exchange: HttpExchange): boolean {
    return this.excluded.includes(exchange.path);
  }

  /** Tells whether the request carries an `Authorization` header. */
  hasCredentials(exchange: HttpExchange): boolean {
    return exchange.authorizationHeader() !== undefined;
  }

  /**
   * Verifies the request's bearer token and puts its claims on the request (`ctx.state.user` on
   * Koa, `req.user` on Express).
   *
   * @throws {AuthError} `missing_token` when there is no bearer token, or the verifier's error.
   */
  async authenticate(exchange: HttpExchange): Promise<VerifiedToken> {
    let result = this.results.get(exchange.request);
    if (result === undefined) {
      result = this.verify(exchange).catch((error: unknown) => {
        this.logger.debug('Token rejected', rejectionDetails(error));
        throw error;
      });
      this.results.set(exchange.request, result);
    }
    const verified = await result;
    exchange.setUser(verified.claims);
    return verified;
  }

  private async verify(exchange: HttpExchange): Promise<VerifiedToken> {
    const token = extractBearerToken(exchange.authorizationHeader(), this.maxTokenLength);
    if (token === undefined) {
      throw new AuthError('missing_token');
    }
    if (this.cache === undefined || !looksLikeJws(token)) {
      return this.verifier.verify(token);
    }
    const cached = await this.cache.lookup(token);
    if (cached.kind === 'revoked') {
      throw new AuthError('invalid_token');
    }
    if (cached.kind === 'hit') {
      return cached.verified;
    }
    const verified = await this.verifier.verify(token);
    await this.cache.remember(token, verified);
    return verified;
  }
}

// The stable code of a rejection and, when jose raised it, jose's code: never the token or a claim.
function rejectionDetails(error: unknown): Record<string, unknown> {
  if (!(error instanceof AuthError)) {
    return { code: 'unexpected', reason: error instanceof Error ? error.name : typeof error };
  }
  const cause = error.cause;
  return { code: error.code, reason: cause instanceof joseErrors.JOSEError ? cause.code : undefined };
}
