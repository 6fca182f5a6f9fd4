import type Keyv from 'keyv';

import type { CacheProtocol } from '../cache/cache-protocol.js';
import type { LoggerProtocol } from '../logging/logger-protocol.js';
import type { OIDCProvider } from '../providers/provider-names.js';
import type { ClaimValue } from '../verification/claim-rules.js';

/** One identity provider of a multi-provider configuration. */
export interface ProviderOptions {
  /** Discovery URLs (`…/.well-known/openid-configuration`) of this provider; see `getOidcUrls`. */
  oidcUrls: string[];
  /** Accepted `aud` values: a token must carry at least one of them. */
  audiences: string[];
  /**
   * The exact issuer the discovery documents declare, for a provider whose issuer is not the
   * discovery URL's prefix (Azure AD v1, or Azure AD addressed by domain name instead of tenant ID).
   */
  issuer?: string;
  /**
   * Accept an issuer anywhere on the discovery URL's origin. On by default for `*.b2clogin.com`,
   * because Azure AD B2C publishes its issuer under the tenant ID instead of the policy path.
   */
  sameOriginIssuer?: boolean;
  /**
   * The claim that contains roles in this provider's tokens. Default: the preset's roles claim, else
   * the top-level `rolesKey`.
   */
  rolesKey?: string;
  /**
   * The built-in provider this one is, so that its tokens are read the way that provider shapes them.
   * A preset sets the roles claim (`cognito:groups` for Amazon Cognito, `realm_access.roles` for
   * Keycloak), the audience claim (`client_id` for Cognito), required claims (`token_use: access`
   * for Cognito) and accepted issuer spellings. `docs/providers/` has one page per provider.
   */
  preset?: OIDCProvider | `${OIDCProvider}`;
  /**
   * Claims every token must carry, each with one of the listed values (strings, numbers or
   * booleans, compared exactly), such as `{ repository_owner: 'example-org' }` for GitHub Actions or
   * `{ email_verified: true }`. A preset's required claim is replaced by one of the same name given here.
   */
  requiredClaims?: Record<string, ClaimValue | ClaimValue[]>;
  /**
   * Azure AD tenant IDs (GUIDs) whose tokens are accepted: a token's `tid` must be one of them. With a
   * `common` or `organizations` discovery URL, `tid` must also equal the tenant in `iss`.
   */
  tenants?: string[];
  /** Accept tokens of every Azure AD tenant from a `common` or `organizations` discovery URL. Default false. */
  allowAnyTenant?: boolean;
  /**
   * The `iss` this provider's tokens carry, when it differs from the issuer its discovery document
   * declares. Keycloak, for one, names the host it was reached on: a document fetched through an
   * internal host name then declares another issuer than the tokens clients got through the public
   * one. With this option set, the document's issuer is not compared.
   */
  tokenIssuer?: string;
}

/**
 * Options of {@link configureOidcAuth}. Give either `oidcUrls` and `audiences` (one provider) or
 * `providers` (several). Durations are in seconds.
 */
export interface OidcAuthOptions extends Partial<ProviderOptions> {
  providers?: ProviderOptions[];
  /** Paths that need no token: `/health` matches that path, `/public/*` everything below `/public`. Default `[]`. */
  excludedPaths?: string[];
  /** The claim `@Authorized` reads roles from, an exact name or a dotted path. Default `'roles'`. */
  rolesKey?: string;
  /** Receives the library's log. Default: Node's `util.debuglog`, shown by `NODE_DEBUG=routing-controllers-oidc`. */
  logger?: LoggerProtocol;
  /** Seconds a discovery document is kept. Default 3600. */
  oidcTtl?: number;
  /** Seconds a JWKS is kept. Default 3600. */
  jwksTtl?: number;
  /** Seconds between two JWKS refetches caused by unknown key ids, per provider. Default 30. */
  keyRefetchCooldown?: number;
  /** Seconds of clock difference allowed on `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number;
  /** Accepted JWS algorithms, all asymmetric. Default: RS, PS and ES 256/384/512 and EdDSA. */
  algorithms?: string[];
  /** Seconds before a request for a discovery document or JWKS is aborted. Default 5. */
  fetchTimeout?: number;
  /**
   * Seconds past its time to live that the last good discovery document or JWKS keeps serving
   * while the provider fails (refused, timed out, 5xx, not JSON, wrong shape). Default 86400.
   */
  maxStaleAge?: number;
  /** Seconds a failed discovery or JWKS fetch waits before the next try; meanwhile the last good copy serves. Default 5. */
  providerRetryInterval?: number;
  /**
   * Keep fetched discovery documents and JWKS in the token cache's store too, so that instances
   * sharing Redis fetch each document once and a restarted instance starts warm. A copy from the
   * store passes the same checks as a fetched one. Needs the token cache (tokenTtl above 0). Default false.
   */
  shareProviderDocuments?: boolean;
  /** Largest accepted discovery document or JWKS, in bytes. Default 524288 (512 KiB). */
  maxDocumentSize?: number;
  /** Longest accepted bearer token, in characters; longer ones get 401 before any decoding. Default 8192. */
  maxTokenLength?: number;
  /**
   * Also accept the token in the `access_token` query parameter (RFC 6750 section 2.3). Off by
   * default, because URLs end up in logs and browser history. A request that sends a token both
   * ways gets 400.
   */
  allowQueryToken?: boolean;
  /** Let CORS preflight requests (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) through `AuthMiddleware`. Default false. */
  allowPreflight?: boolean;
  /** The `realm` of `WWW-Authenticate` headers. Default `'api'`. */
  realm?: string;
  /** Seconds a verified token is kept in the token cache, at most until its `exp`. 0 turns the cache off. Default 300. */
  tokenTtl?: number;
  /** Most tokens the default in-memory cache keeps; the least recently used go first. Default 1000. */
  tokenCacheMaxsize?: number;
  /** A Keyv instance to keep verified tokens in, such as one on `@keyv/redis` or `@keyv/sqlite`. Default: in memory. */
  tokenCacheStore?: Keyv;
  /** A cache of your own instead of the Keyv-backed `TokenCache`. */
  customTokenCache?: CacheProtocol;
  /** Milliseconds a token-cache operation may take before the request goes on without the cache. Default 250. */
  tokenCacheTimeoutMs?: number;
}
