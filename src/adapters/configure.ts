import { Container } from 'typedi';

import type { CacheProtocol } from '../cache/cache-protocol.js';
import { CacheDocumentStore, type DocumentStore } from '../cache/document-store.js';
import { TokenCache } from '../cache/token-cache.js';
import { cacheNamespace } from '../cache/token-key.js';
import { VerifiedTokenCache } from '../cache/verified-token-cache.js';
import type { IssuerExpectation } from '../discovery/issuer-rules.js';
import { ProviderDocuments, type DocumentSettings } from '../discovery/provider-documents.js';
import { DebuglogLogger } from '../logging/debuglog-logger.js';
import { debug, warn, type LoggerProtocol } from '../logging/logger-protocol.js';
import { systemClock, type Clock } from '../verification/clock.js';
import { TokenVerifier, type TrustedProvider } from '../verification/token-verifier.js';
import { OIDC_AUTH, OIDC_CLOCK, OIDC_LOGGER, OIDC_TOKEN_CACHE } from './container-tokens.js';
import { OidcAuth } from './oidc-auth.js';
import type { OidcAuthOptions } from './options.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { resolveOptions, type ResolvedOptions, type ResolvedProvider } from './resolve-options.js';
import { prepareRoleDeclarations } from './role-metadata.js';

// After a token-cache store failure, requests skip the store this long before it is tried again.
const STORE_RETRY_AFTER_MS = 5000;

// In-memory caches this module created, which a later configuration may replace with its own.
const defaultCaches = new WeakSet<CacheProtocol>();

/**
 * Validates `options` and registers the library's services in the TypeDI container, so that
 * `authorizationChecker`, `currentUserChecker` and `AuthMiddleware` can serve requests. Nothing is
 * fetched here: each provider's discovery document is loaded when a token first needs it.
 * Call it before `useKoaServer` or `useExpressServer`, so that controller-level and method-level
 * `@Authorized` roles must both hold. Calling it again replaces the previous configuration.
 *
 * @example
 * configureOidcAuth({
 *   oidcUrls: getOidcUrls({ domain: 'example.okta.com' }, OIDCProvider.OKTA),
 *   audiences: ['api://default'],
 *   excludedPaths: ['/health'],
 * });
 *
 * @throws {ConfigurationError} naming the first invalid option.
 * @throws {TypeError} when `logger` does not implement `LoggerProtocol`.
 */
export function configureOidcAuth(options: OidcAuthOptions): void {
  const resolved = resolveOptions(options);
  prepareRoleDeclarations();
  registerDefaults(resolved);
  const logger = containerLogger();
  // Read once: a clock set after this call applies from the next configuration on.
  const clock: Clock = Container.get(OIDC_CLOCK);
  const providers = trustedProviders(resolved, clock, logger, documentStore(resolved, clock, logger));
  const verifier = new TokenVerifier(providers, resolved, clock, logger);
  const cache = resolved.tokenTtlMs === 0 ? undefined : tokenCache(resolved, providers, clock, logger);
  const authenticator = new RequestAuthenticator(verifier, cache, resolved, logger);
  Container.set(OIDC_AUTH, new OidcAuth(providers, authenticator, resolved.rolesKey, resolved.realm, logger));
  logger.debug('Configured', { providers: resolved.providers.length, tokenCache: cache !== undefined });
}

function registerDefaults(resolved: ResolvedOptions): void {
  if (resolved.logger !== undefined || !Container.has(OIDC_LOGGER)) {
    Container.set(OIDC_LOGGER, resolved.logger ?? new DebuglogLogger());
  }
  if (!Container.has(OIDC_CLOCK)) {
    Container.set(OIDC_CLOCK, systemClock);
  }
  const named = resolved.tokenCache;
  if (named !== undefined) {
    Container.set(OIDC_TOKEN_CACHE, 'custom' in named ? named.custom : new TokenCache(named.store));
  } else if (!Container.has(OIDC_TOKEN_CACHE) || defaultCaches.has(Container.get(OIDC_TOKEN_CACHE))) {
    const memory = new TokenCache(undefined, resolved.tokenCacheMaxsize);
    defaultCaches.add(memory);
    Container.set(OIDC_TOKEN_CACHE, memory);
  }
}

function tokenCache(resolved: ResolvedOptions, providers: TrustedProvider[], clock: Clock, logger: LoggerProtocol): VerifiedTokenCache {
  const settings = {
    namespace: cacheNamespace(resolved.providers, resolved.algorithms),
    tokenTtlMs: resolved.tokenTtlMs,
    timeoutMs: resolved.tokenCacheTimeoutMs,
    retryAfterMs: STORE_RETRY_AFTER_MS,
    clockToleranceSeconds: resolved.clockToleranceSeconds,
  };
  return new VerifiedTokenCache(() => Container.get(OIDC_TOKEN_CACHE), providers, settings, clock, logger);
}

function documentStore(resolved: ResolvedOptions, clock: Clock, logger: LoggerProtocol): DocumentStore | undefined {
  if (!resolved.shareProviderDocuments) {
    return undefined;
  }
  const guard = { timeoutMs: resolved.tokenCacheTimeoutMs, retryAfterMs: STORE_RETRY_AFTER_MS };
  return new CacheDocumentStore(() => Container.get(OIDC_TOKEN_CACHE), guard, clock, logger);
}

function trustedProviders(resolved: ResolvedOptions, clock: Clock, logger: LoggerProtocol, shared?: DocumentStore): TrustedProvider[] {
  const settings: DocumentSettings = {
    oidcTtlMs: resolved.oidcTtlMs,
    jwksTtlMs: resolved.jwksTtlMs,
    keyRefetchCooldownMs: resolved.keyRefetchCooldownMs,
    limits: { timeoutMs: resolved.fetchTimeoutMs, maxBytes: resolved.maxDocumentSize },
    algorithms: resolved.algorithms,
    maxStaleMs: resolved.maxStaleAgeMs,
    retryAfterMs: resolved.providerRetryIntervalMs,
  };
  return resolved.providers.flatMap((provider) =>
    provider.oidcUrls.map((discoveryUrl) => ({
      documents: new ProviderDocuments(issuerExpectation(provider, discoveryUrl), settings, clock, logger, shared),
      audiences: provider.audiences,
      rolesKey: provider.rolesKey,
      rules: provider.rules,
    })),
  );
}

function issuerExpectation(provider: ResolvedProvider, discoveryUrl: string): IssuerExpectation {
  const { issuer, sameOriginIssuer, tokenIssuer, schemelessIssuer, multiTenant } = provider;
  return { discoveryUrl, issuer, sameOriginIssuer, tokenIssuer, schemelessIssuer, multiTenant };
}

// Resolves the logger on every call, so that `Container.set(OIDC_LOGGER, …)` takes effect at once.
function containerLogger(): LoggerProtocol {
  return {
    debug: (message, meta) => debug(Container.get(OIDC_LOGGER), message, meta),
    warn: (message, meta) => warn(Container.get(OIDC_LOGGER), message, meta),
  };
}
