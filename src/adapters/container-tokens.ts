import { Token } from 'typedi';

import type { CacheProtocol } from '../cache/cache-protocol.js';
import type { LoggerProtocol } from '../logging/logger-protocol.js';
import type { Clock } from '../verification/clock.js';
import type { OidcAuth } from './oidc-auth.js';

/** The configured services; `configureOidcAuth` sets it. */
export const OIDC_AUTH = new Token<OidcAuth>('routing-controllers-oidc:auth');

/** The logger. Replace it with `Container.set(OIDC_LOGGER, logger)` at any time. */
export const OIDC_LOGGER = new Token<LoggerProtocol>('routing-controllers-oidc:logger');

/** The clock for claim checks and every time to live. Set it before `configureOidcAuth` to replace it. */
export const OIDC_CLOCK = new Token<Clock>('routing-controllers-oidc:clock');

/**
 * The verified-token cache. Set it, before or after `configureOidcAuth`, to a `TokenCache` on Redis
 * or SQLite, or to any `CacheProtocol`. When it is empty, `configureOidcAuth` fills it with an
 * in-memory `TokenCache`.
 */
export const OIDC_TOKEN_CACHE = new Token<CacheProtocol>('routing-controllers-oidc:token-cache');
