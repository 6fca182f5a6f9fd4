import { errors as joseErrors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

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
import { keyServesIssuer, matchIssuer, soleIssuer, type IssuerMatch } from './issuer-match.js';
import { hasWellTypedClaims } from './registered-claims.js';
import { readCompactJws, readIssuer } from './token-parts.js';

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

/** The checked header of a token and the `iss` it claims, or the one `iss` its only possible provider accepts. */
interface CheckedHeader {
  issuer: string;
  alg: string;
  kid: string;
}

// jose copies the list, so one list serves every call.
const REQUIRED_CLAIMS = ['exp'];

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
      const { header, payloadPart } = readCompactJws(token);
      const { alg, kid } = this.checkHeader(header);
      return this.verifySole(token, alg, kid) ?? this.verifyRouted(token, { issuer: readIssuer(payloadPart), alg, kid });
    } catch (error) {
      return Promise.reject(this.toAuthError(error));
    }
  }

  private checkHeader(header: ProtectedHeaderParameters): { alg: string; kid: string } {
    const alg = header.alg;
    if (!isSupportedAlgorithm(alg) || !this.settings.algorithms.includes(alg)) {
      throw new AuthError('invalid_token', { reason: 'alg is not an accepted algorithm' });
    }
    const kid = readKeyId(header);
    if (kid === undefined) {
      throw new AuthError('invalid_token', { reason: 'the header has no kid' });
    }
    return { alg, kid };
  }

  // Usually one provider is configured, it accepts one `iss`, and its documents and key are at hand.
  // Then jose is called at once, and only jose decodes the payload and compares its `iss`.
  private verifySole(token: string, alg: string, kid: string): Promise<VerifiedToken> | undefined {
    if (this.providers.length !== 1) {
      return undefined;
    }
    const provider = this.providers[0];
    const declared = provider.documents.issuerNow();
    const issuer = declared === undefined ? undefined : soleIssuer(provider.documents.expectation, declared);
    if (issuer === undefined) {
      return undefined;
    }
    const header = { issuer, alg, kid };
    const ready = this.readyKey(provider, header, declared);
    return ready === undefined ? undefined : this.verifyWith(provider, token, header, ready.match, ready.key);
  }

  // Chooses the providers that may have issued a token with this `iss`. When there is one and its
  // documents and key are at hand, jose is called at once; otherwise each document is awaited.
  private verifyRouted(token: string, header: CheckedHeader): Promise<VerifiedToken> {
    const candidates = this.providers.filter((provider) => mayIssue(provider.documents.expectation, header.issuer));
    if (candidates.length === 0) {
      throw new AuthError('invalid_token', { reason: 'no configured provider may issue this iss' });
    }
    const ready = candidates.length === 1 ? this.readyKey(candidates[0], header) : undefined;
    if (ready === undefined) {
      return this.verifyLoading(token, header, candidates);
    }
    return this.verifyWith(candidates[0], token, header, ready.match, ready.key);
  }

  // Returns the provider's matching issuer and imported key when its documents are fresh and the key is imported.
  private readyKey(
    provider: TrustedProvider,
    header: CheckedHeader,
    declared = provider.documents.issuerNow(),
  ): { match: IssuerMatch; key: CryptoKey | Uint8Array } | undefined {
    const keys = provider.documents.keysNow(header.kid);
    if (declared === undefined || keys === undefined) {
      return undefined;
    }
    const match = matchIssuer(provider.documents.expectation, declared, header.issuer);
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
    // jose's errors become AuthErrors here, so that a valid token waits for no further promise.
    try {
      const rules = provider.rules ?? DEFAULT_CLAIM_RULES;
      const now = this.clock.now();
      const { payload } = await jwtVerify(token, key, {
        algorithms: [header.alg],
        issuer: header.issuer,
        // jose only reads the list.
        audience: rules.audienceClaim === 'aud' ? (provider.audiences as string[]) : undefined,
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: this.settings.clockToleranceSeconds,
        currentDate: new Date(now),
      });
      this.checkClaims(payload, provider, rules, match, now);
      this.logger.debug('Token verified', { iss: payload.iss, sub: payload.sub, kid: header.kid });
      return { claims: freezeJson(payload), provider };
    } catch (error) {
      throw this.toAuthError(error);
    }
  }

  // Runs the checks jose leaves to the library. jose accepts an `iat` in the future, so that is
  // rejected here, with registered claims of the wrong type and breaks of the provider's claim rules.
  private checkClaims(payload: JWTPayload, provider: TrustedProvider, rules: ClaimRules, match: IssuerMatch, now: number): void {
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
