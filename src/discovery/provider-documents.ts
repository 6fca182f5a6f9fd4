import type { LoggerProtocol } from '../logging/logger-protocol.js';
import type { Clock } from '../verification/clock.js';
import { CachedValue } from './cached-value.js';
import { DocumentLoadError, fetchJson, type FetchLimits } from './fetch-json.js';
import { judgeDiscoveredIssuer, type IssuerExpectation } from './issuer-rules.js';
import { readVerificationKeys, type VerificationKey } from './jwks.js';
import { checkDocumentUrl } from './url-rules.js';

/** How long documents are kept and how they are fetched. */
export interface DocumentSettings {
  oidcTtlMs: number;
  jwksTtlMs: number;
  /** Minimum time between two JWKS refetches caused by unknown key ids. */
  keyRefetchCooldownMs: number;
  limits: FetchLimits;
  algorithms: readonly string[];
}

interface Discovery {
  issuer: string;
  jwksUri: string;
}

/**
 * The discovery document and JWKS of one configured discovery URL, each loaded when first needed
 * and kept for its time to live.
 */
export class ProviderDocuments {
  private readonly discovery: CachedValue<Discovery>;
  private readonly keys: CachedValue<VerificationKey[]>;
  private lastKeyRefetch = Number.NEGATIVE_INFINITY;
  private keyFetches = 0;

  constructor(
    readonly expectation: IssuerExpectation,
    private readonly settings: DocumentSettings,
    private readonly clock: Clock,
    private readonly logger: LoggerProtocol,
  ) {
    this.discovery = new CachedValue(() => this.loadDiscovery(), settings.oidcTtlMs, clock);
    this.keys = new CachedValue(() => this.loadKeys(), settings.jwksTtlMs, clock);
  }

  /** Returns the issuer the discovery document declares, once it passed the issuer rule. */
  async issuer(): Promise<string> {
    return (await this.discovery.get()).issuer;
  }

  /**
   * Returns the provider's usable keys. When none has the id `kid`, refetches the JWKS once, unless
   * the keys were just fetched for this call or another refetch happened within the cooldown.
   */
  async keysFor(kid: string | undefined): Promise<VerificationKey[]> {
    const fetchesBefore = this.keyFetches;
    const keys = await this.keys.get();
    if (kid === undefined || keys.some((key) => key.kid === kid) || this.keyFetches !== fetchesBefore) {
      return keys;
    }
    const now = this.clock.now();
    if (now - this.lastKeyRefetch < this.settings.keyRefetchCooldownMs) {
      return keys;
    }
    this.lastKeyRefetch = now;
    this.logger.debug('Refetching JWKS for an unknown key id', { discoveryUrl: this.expectation.discoveryUrl, kid });
    return this.keys.reload();
  }

  private async loadDiscovery(): Promise<Discovery> {
    const url = this.expectation.discoveryUrl;
    const document = await fetchJson(url, this.settings.limits);
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw new DocumentLoadError(`The discovery document at ${url} is not a JSON object.`);
    }
    const { issuer, jwks_uri: jwksUri } = document as Record<string, unknown>;
    const judged = judgeDiscoveredIssuer(this.expectation, issuer);
    if (typeof jwksUri !== 'string' || checkDocumentUrl(jwksUri) !== undefined) {
      throw new DocumentLoadError(`The discovery document at ${url} has no usable jwks_uri.`);
    }
    this.logger.debug('Loaded discovery document', { discoveryUrl: url, issuer: judged });
    return { issuer: judged, jwksUri };
  }

  private async loadKeys(): Promise<VerificationKey[]> {
    const { jwksUri } = await this.discovery.get();
    const keys = readVerificationKeys(await fetchJson(jwksUri, this.settings.limits), this.settings.algorithms);
    if (keys === undefined) {
      throw new DocumentLoadError(`The JWKS at ${jwksUri} has no keys array.`);
    }
    this.keyFetches += 1;
    this.logger.debug('Loaded JWKS', { jwksUri, usableKeys: keys.length });
    return keys;
  }
}
