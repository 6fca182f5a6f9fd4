// Decorators of class-validator, class-transformer and routing-controllers read design-time types through it.
import 'reflect-metadata';

export { configureOidcAuth } from './adapters/configure.js';
export type { OidcAuthOptions, ProviderOptions } from './adapters/options.js';
export { ConfigurationError } from './adapters/configuration-error.js';
export { authorizationChecker, currentUserChecker } from './adapters/checkers.js';
export { AuthMiddleware, MultiProviderAuthMiddleware } from './adapters/auth-middleware.js';
export { ExpressAuthErrorHandler } from './adapters/express-error-handler.js';
export { Authorized } from './adapters/authorized.js';
export { OIDC_AUTH, OIDC_CLOCK, OIDC_LOGGER } from './adapters/container-tokens.js';
export { RoleRequirement, type RoleClaimOptions } from './authorization/role-requirement.js';
export { AuthError, type AuthErrorCode } from './verification/errors.js';
export { SUPPORTED_ALGORITHMS } from './verification/algorithms.js';
export type { Clock } from './verification/clock.js';
export type { LoggerProtocol } from './logging/logger-protocol.js';
export {
  getOidcUrls,
  OIDCProvider,
  ProviderConfigurationError,
  registerCustomProvider,
  unregisterCustomProvider,
  type ProviderErrorCode,
  type ProviderFields,
} from './providers/index.js';
export { TokenCacheSingleton, revokeToken } from './adapters/token-cache-singleton.js';
export { OIDC_TOKEN_CACHE } from './adapters/container-tokens.js';
export { TokenCache } from './cache/token-cache.js';
export type { CacheProtocol, TokenPage } from './cache/cache-protocol.js';
export { warmUpOidcAuth, type WarmUpReport } from './adapters/warm-up.js';
export { addOidcSecurity, type OidcSecurityOptions, type OpenApiDocument, type SecurityRequirement } from './openapi/index.js';
