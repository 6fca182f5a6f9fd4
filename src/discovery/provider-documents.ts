import { warn, type LoggerProtocol } from '../logging/logger-protocol.js';
import type { Clock } from '../verification/clock.js';
import type { DocumentStore } from '../cache/document-store.js';
import { CachedValue, type FailurePolicy } from './cached-value.js';
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
  /** How long past its time to live a document keeps serving while the provider fails. */
  maxStaleMs: number;
  /** How long after a failed fetch the next fetch of the same document waits. */
  retryAfterMs: number;
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
    /** The store through which instances share fetched documents, if any. */
    private readonly shared?: DocumentStore,
  ) {
    this.discovery = new CachedValue(() => this.loadDiscovery(), settings.oidcTtlMs, clock, this.failurePolicy('discovery document'));
    this.keys = new CachedValue(() => this.loadKeys(), settings.jwksTtlMs, clock, this.failurePolicy('JWKS'));
  }

  /** Loads the discovery document and the JWKS now, unless fresh copies are kept. */
  async warmUp(): Promise<void> {
    await this.discovery.get();
    await this.keys.get();
  }

  /** Returns the issuer the discovery document declares, once it passed the issuer rule. */
  async issuer(): Promise<string> {
    return (await this.discovery.get()).issuer;
  }

  /** Returns the issuer of a fresh discovery document without waiting, or `undefined` when {@link issuer} would load it. */
  issuerNow(): string | undefined {
    return this.discovery.peek()?.issuer;
  }

  /**
   * Returns the keys of a fresh JWKS that has a key with the id `kid`, without waiting, or
   * `undefined` when {@link keysFor} would load or refetch the JWKS.
   */
  keysNow(kid: string): VerificationKey[] | undefined {
    const keys = this.keys.peek();
    return keys?.some((key) => key.kid === kid) ? keys : undefined;
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

  private failurePolicy(document: string): FailurePolicy {
    return {
      maxStaleMs: this.settings.maxStaleMs,
      retryAfterMs: this.settings.retryAfterMs,
      onStale: (error, staleForMs) =>
        warn(this.logger, `Serving the last good ${document} while the provider fails`, {
          discoveryUrl: this.expectation.discoveryUrl,
          staleForSeconds: Math.round(staleForMs / 1000),
          reason: error instanceof Error ? error.message : String(error),
        }),
    };
  }

  private async loadDiscovery(): Promise<Discovery> {
    return this.loadValidated(this.expectation.discoveryUrl, this.settings.oidcTtlMs, (document) => this.readDiscovery(document));
  }

  private async loadKeys(): Promise<VerificationKey[]> {
    const { jwksUri } = await this.discovery.get();
    const keys = await this.loadValidated(jwksUri, this.settings.jwksTtlMs, (document) => this.readKeys(document, jwksUri));
    this.keyFetches += 1;
    return keys;
  }

  // Uses the shared store's copy when it passes the same checks as a fetched one; otherwise fetches.
  private async loadValidated<T>(url: string, ttlMs: number, read: (document: unknown) => T): Promise<T> {
    const shared = await this.shared?.read(url);
    if (shared !== undefined) {
      try {
        return read(shared);
      } catch (error) {
        this.logger.debug('Ignoring an invalid shared copy', { url, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    const document = await fetchJson(url, this.settings.limits);
    const result = read(document);
    await this.shared?.write(url, document, ttlMs);
    return result;
  }

  private readDiscovery(document: unknown): Discovery {
    const url = this.expectation.discoveryUrl;
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

  private readKeys(document: unknown, jwksUri: string): VerificationKey[] {
    const keys = readVerificationKeys(document, this.settings.algorithms);
    if (keys === undefined) {
      throw new DocumentLoadError(`The JWKS at ${jwksUri} has no keys array.`);
    }
    if (keys.length === 0) {
      throw new DocumentLoadError(`The JWKS at ${jwksUri} has no key this library can use.`);
    }
    this.logger.debug('Loaded JWKS', { jwksUri, usableKeys: keys.length });
    return keys;
  }
}
