import { Container } from 'typedi';

import { ProviderDocuments, type DocumentSettings } from '../discovery/provider-documents.js';
import { DebuglogLogger } from '../logging/debuglog-logger.js';
import { warn, type LoggerProtocol } from '../logging/logger-protocol.js';
import { systemClock, type Clock } from '../verification/clock.js';
import { TokenVerifier, type TrustedProvider } from '../verification/token-verifier.js';
import { OIDC_AUTH, OIDC_CLOCK, OIDC_LOGGER } from './container-tokens.js';
import { OidcAuth } from './oidc-auth.js';
import type { OidcAuthOptions } from './options.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { resolveOptions, type ResolvedOptions } from './resolve-options.js';

/**
 * Validates `options` and registers the library's services in the TypeDI container, so that
 * `authorizationChecker`, `currentUserChecker` and `AuthMiddleware` can serve requests. Nothing is
 * fetched here: each provider's discovery document is loaded when a token first needs it.
 * Calling it again replaces the previous configuration.
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
  if (resolved.logger !== undefined || !Container.has(OIDC_LOGGER)) {
    Container.set(OIDC_LOGGER, resolved.logger ?? new DebuglogLogger());
  }
  if (!Container.has(OIDC_CLOCK)) {
    Container.set(OIDC_CLOCK, systemClock);
  }
  const logger = containerLogger();
  const clock: Clock = { now: () => Container.get(OIDC_CLOCK).now() };
  const verifier = new TokenVerifier(trustedProviders(resolved, clock, logger), resolved, clock, logger);
  const authenticator = new RequestAuthenticator(verifier, resolved.excludedPaths, resolved.maxTokenLength);
  Container.set(OIDC_AUTH, new OidcAuth(authenticator, resolved.rolesKey, resolved.realm));
  logger.debug('Configured', { providers: resolved.providers.length });
}

function trustedProviders(resolved: ResolvedOptions, clock: Clock, logger: LoggerProtocol): TrustedProvider[] {
  const settings: DocumentSettings = {
    oidcTtlMs: resolved.oidcTtlMs,
    jwksTtlMs: resolved.jwksTtlMs,
    keyRefetchCooldownMs: resolved.keyRefetchCooldownMs,
    limits: { timeoutMs: resolved.fetchTimeoutMs, maxBytes: resolved.maxDocumentSize },
    algorithms: resolved.algorithms,
  };
  return resolved.providers.flatMap((provider) =>
    provider.oidcUrls.map((discoveryUrl) => ({
      documents: new ProviderDocuments({ discoveryUrl, issuer: provider.issuer, sameOriginIssuer: provider.sameOriginIssuer }, settings, clock, logger),
      audiences: provider.audiences,
      rolesKey: provider.rolesKey,
    })),
  );
}

// Resolves the logger on every call, so that `Container.set(OIDC_LOGGER, …)` takes effect at once.
function containerLogger(): LoggerProtocol {
  return {
    debug: (message, meta) => Container.get(OIDC_LOGGER).debug(message, meta),
    warn: (message, meta) => warn(Container.get(OIDC_LOGGER), message, meta),
  };
}
