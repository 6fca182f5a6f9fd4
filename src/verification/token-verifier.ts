import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

import { freezeJson } from '../cache/json-value.js';
import { DocumentLoadError } from '../discovery/fetch-json.js';
import { mayIssue } from '../discovery/issuer-rules.js';
import type { VerificationKey } from '../discovery/jwks.js';
import type { ProviderDocuments } from '../discovery/provider-documents.js';
import { warn, type LoggerProtocol } from '../logging/logger-protocol.js';
import { isSupportedAlgorithm } from './algorithms.js';
import type { Clock } from './clock.js';
import { AuthError } from './errors.js';
import { readKeyId, selectKey } from './key-selection.js';
import { claimRuleFailure, DEFAULT_CLAIM_RULES, type ClaimRules } from './claim-rules.js';
import { keyServesIssuer, matchIssuer, type IssuerMatch } from './issuer-match.js';
import { hasWellTypedClaims } from './registered-claims.js';
import { decodeUnverified } from './token-parts.js';

/** A configured identity provider: where its documents are and which audiences it may issue for. */
export interface TrustedProvider {
  documents: ProviderDocuments;
  audiences: readonly string[];
  /** The claim that contains roles in this provider's tokens, when it differs from the default. */
  rolesKey?: string;
  /** Rules for the audience claim, required claims and tenants. Default: `aud` and nothing more. */
  rules?: ClaimRules;
}

/** The claims of a verified token and the provider that issued it. */
export interface VerifiedToken {
  /** The claims, frozen with every object and array inside, because requests with the same token share them. */
  claims: JWTPayload;
  provider: TrustedProvider;
}

/** The checked header of a token and the `iss` it claims. */
interface CheckedHeader {
  issuer: string;
  alg: string;
  kid: string;
}

/** Settings that apply to every token. */
export interface VerifierSettings {
  algorithms: readonly string[];
  /** Seconds of clock difference allowed on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds: number;
}

/**
 * Verifies JWT access tokens against the configured providers. A token goes to the provider whose
 * discovered issuer equals its `iss` exactly; only configured providers' documents are fetched.
 */
export class TokenVerifier {
  constructor(
    private readonly providers: readonly TrustedProvider[],
    private readonly settings: VerifierSettings,
    private readonly clock: Clock,
    private readonly logger: LoggerProtocol,
  ) {}

  /**
   * Verifies `token` and returns its claims.
   *
   * @throws {AuthError} `invalid_token`, `key_not_found` or `token_expired` for a token that fails;
   * `provider_unavailable` when the issuer's documents cannot be loaded.
   */
  verify(token: string): Promise<VerifiedToken> {
    try {
      const { header, candidates } = this.route(token);
      // Usually one provider may issue the token and its documents and key are at hand. Then jose
      // is called at once, without a wait for each document.
      const ready = candidates.length === 1 ? this.readyKey(candidates[0], header) : undefined;
      if (ready === undefined) {
        return this.verifyLoading(token, header, candidates);
      }
      return this.verifyWith(candidates[0], token, header, ready.match, ready.key).catch((error: unknown) => {
        throw this.toAuthError(error);
      });
    } catch (error) {
      return Promise.reject(this.toAuthError(error));
    }
  }

  // Reads the token's header and `iss`, and returns the providers that may have issued it.
  private route(token: string): { header: CheckedHeader; candidates: TrustedProvider[] } {
    const unverified = decodeUnverified(token);
    const alg = unverified.header.alg;
    if (!isSupportedAlgorithm(alg) || !this.settings.algorithms.includes(alg)) {
      throw new AuthError('invalid_token', { reason: 'alg is not an accepted algorithm' });
    }
    const kid = readKeyId(unverified.header);
    if (kid === undefined) {
      throw new AuthError('invalid_token', { reason: 'the header has no kid' });
    }
    const candidates = this.providers.filter((provider) => mayIssue(provider.documents.expectation, unverified.issuer));
    if (candidates.length === 0) {
      throw new AuthError('invalid_token', { reason: 'no configured provider may issue this iss' });
    }
    return { header: { issuer: unverified.issuer, alg, kid }, candidates };
  }

  // Returns the provider's matching issuer and imported key when its documents are fresh and the key is imported.
  private readyKey(provider: TrustedProvider, header: CheckedHeader): { match: IssuerMatch; key: CryptoKey | Uint8Array } | undefined {
    const issuer = provider.documents.issuerNow();
    const keys = provider.documents.keysNow(header.kid);
    if (issuer === undefined || keys === undefined) {
      return undefined;
    }
    const match = matchIssuer(provider.documents.expectation, issuer, header.issuer);
    if (match === undefined) {
      return undefined;
    }
    const key = this.selectKey(keys, header, match).importedNow(header.alg);
    return key === undefined ? undefined : { match, key };
  }

  // Tries each candidate in turn, loading its documents and key as needed.
  private async verifyLoading(token: string, header: CheckedHeader, candidates: readonly TrustedProvider[]): Promise<VerifiedToken> {
    // Built only when needed: an Error captures a stack trace, which would tax every valid token.
    let failure: AuthError | undefined;
    for (const provider of candidates) {
      try {
        const match = matchIssuer(provider.documents.expectation, await provider.documents.issuer(), header.issuer);
        if (match !== undefined) {
          const key = this.selectKey(await provider.documents.keysFor(header.kid), header, match);
          return await this.verifyWith(provider, token, header, match, await key.importFor(header.alg));
        }
      } catch (error) {
        failure = this.toAuthError(error);
      }
    }
    throw failure ?? new AuthError('invalid_token', { reason: 'iss differs from every candidate provider\'s discovered issuer' });
  }

  private selectKey(keys: readonly VerificationKey[], header: CheckedHeader, match: IssuerMatch): VerificationKey {
    const key = selectKey(keys, header.kid, header.alg);
    if (match.tenant !== undefined && !keyServesIssuer(key.issuer, header.issuer, match.tenant)) {
      throw new AuthError('invalid_token', { reason: 'the key belongs to another tenant' });
    }
    return key;
  }

  private async verifyWith(provider: TrustedProvider, token: string, header: CheckedHeader, match: IssuerMatch, key: CryptoKey | Uint8Array): Promise<VerifiedToken> {
    const { issuer, alg, kid } = header;
    const rules = provider.rules ?? DEFAULT_CLAIM_RULES;
    const now = this.clock.now();
    const { payload } = await jwtVerify(token, key, {
      algorithms: [alg],
      issuer,
      audience: rules.audienceClaim === 'aud' ? [...provider.audiences] : undefined,
      requiredClaims: ['exp'],
      clockTolerance: this.settings.clockToleranceSeconds,
      currentDate: new Date(now),
    });
    // jose checks that iat is a number but accepts one in the future; a token issued later than now is refused.
    if (typeof payload.iat === 'number' && payload.iat > now / 1000 + this.settings.clockToleranceSeconds) {
      throw new AuthError('invalid_token', { reason: 'iat is in the future' });
    }
    if (!hasWellTypedClaims(payload)) {
      throw new AuthError('invalid_token', { reason: 'a registered claim has the wrong type' });
    }
    const broken = claimRuleFailure(payload, provider.audiences, rules, match);
    if (broken !== undefined) {
      throw new AuthError('invalid_token', { reason: broken });
    }
    this.logger.debug('Token verified', { iss: payload.iss, sub: payload.sub, kid });
    return { claims: freezeJson(payload), provider };
  }

  private toAuthError(error: unknown): AuthError {
    if (error instanceof AuthError) {
      return error;
    }
    if (error instanceof DocumentLoadError) {
      warn(this.logger, 'Identity provider documents could not be loaded', { reason: error.message });
      return new AuthError('provider_unavailable', { cause: error });
    }
    if (error instanceof joseErrors.JWTExpired) {
      return new AuthError('token_expired', { cause: error });
    }
    return new AuthError('invalid_token', { cause: error });
  }
}
