import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import type Keyv from 'keyv';

import { isCacheProtocol, type CacheProtocol } from '../cache/cache-protocol.js';
import { isLogger, type LoggerProtocol } from '../logging/logger-protocol.js';
import { SUPPORTED_ALGORITHMS } from '../verification/algorithms.js';
import type { ClaimRules } from '../verification/claim-rules.js';
import { ConfigurationError } from './configuration-error.js';
import type { OidcAuthOptions } from './options.js';
import { OidcAuthOptionsSchema } from './options-schema.js';
import { resolveProviders } from './resolve-provider.js';

/** A provider's options after validation, with its preset and defaults filled in. */
export interface ResolvedProvider {
  oidcUrls: string[];
  audiences: string[];
  issuer?: string;
  sameOriginIssuer: boolean;
  rolesKey?: string;
  tokenIssuer?: string;
  schemelessIssuer: boolean;
  multiTenant: boolean;
  rules: ClaimRules;
}

/** Options after validation, with defaults filled in and durations in milliseconds. */
export interface ResolvedOptions {
  providers: ResolvedProvider[];
  excludedPaths: string[];
  rolesKey: string;
  logger?: LoggerProtocol;
  oidcTtlMs: number;
  jwksTtlMs: number;
  keyRefetchCooldownMs: number;
  clockToleranceSeconds: number;
  algorithms: string[];
  fetchTimeoutMs: number;
  maxStaleAgeMs: number;
  providerRetryIntervalMs: number;
  maxDocumentSize: number;
  maxTokenLength: number;
  realm: string;
  allowQueryToken: boolean;
  shareProviderDocuments: boolean;
  allowPreflight: boolean;
  tokenTtlMs: number;
  tokenCacheMaxsize: number;
  tokenCacheTimeoutMs: number;
  /** The cache the options name, if any: a custom cache, or a Keyv store to wrap in `TokenCache`. */
  tokenCache?: { custom: CacheProtocol } | { store: Keyv };
}

/**
 * Validates `options` and fills in defaults.
 *
 * @throws {ConfigurationError} naming the first invalid option.
 * @throws {TypeError} when `logger` does not implement `LoggerProtocol`.
 */
export function resolveOptions(options: OidcAuthOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('options', 'configureOidcAuth expects an options object.');
  }
  const { logger, customTokenCache, tokenCacheStore, ...rest } = options;
  if (logger !== undefined && !isLogger(logger)) {
    throw new TypeError('Logger must implement the logging protocol.');
  }
  const tokenCache = resolveTokenCache(customTokenCache, tokenCacheStore);
  const schema = validatedSchema(rest);
  return { ...withDefaults(schema), providers: resolveProviders(schema), logger, tokenCache };
}

function validatedSchema(options: object): OidcAuthOptionsSchema {
  const schema = plainToInstance(OidcAuthOptionsSchema, options);
  const errors = validateSync(schema, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw toConfigurationError(errors[0], '');
  }
  if (schema.shareProviderDocuments === true && schema.tokenTtl === 0) {
    throw new ConfigurationError('shareProviderDocuments', "Invalid option 'shareProviderDocuments': it needs the token cache, which tokenTtl 0 turns off.");
  }
  return schema;
}

// The documented defaults; durations given in seconds become milliseconds.
function withDefaults(schema: OidcAuthOptionsSchema): Omit<ResolvedOptions, 'providers' | 'logger' | 'tokenCache'> {
  return {
    excludedPaths: schema.excludedPaths ?? [],
    rolesKey: schema.rolesKey ?? 'roles',
    oidcTtlMs: (schema.oidcTtl ?? 3600) * 1000,
    jwksTtlMs: (schema.jwksTtl ?? 3600) * 1000,
    keyRefetchCooldownMs: (schema.keyRefetchCooldown ?? 30) * 1000,
    clockToleranceSeconds: schema.clockTolerance ?? 5,
    algorithms: schema.algorithms ?? [...SUPPORTED_ALGORITHMS],
    fetchTimeoutMs: (schema.fetchTimeout ?? 5) * 1000,
    maxStaleAgeMs: (schema.maxStaleAge ?? 86_400) * 1000,
    providerRetryIntervalMs: (schema.providerRetryInterval ?? 5) * 1000,
    maxDocumentSize: schema.maxDocumentSize ?? 512 * 1024,
    maxTokenLength: schema.maxTokenLength ?? 8192,
    realm: schema.realm ?? 'api',
    allowQueryToken: schema.allowQueryToken ?? false,
    shareProviderDocuments: schema.shareProviderDocuments ?? false,
    allowPreflight: schema.allowPreflight ?? false,
    tokenTtlMs: (schema.tokenTtl ?? 300) * 1000,
    tokenCacheMaxsize: schema.tokenCacheMaxsize ?? 1000,
    tokenCacheTimeoutMs: schema.tokenCacheTimeoutMs ?? 250,
  };
}

function resolveTokenCache(custom: unknown, store: unknown): ResolvedOptions['tokenCache'] {
  if (custom !== undefined && store !== undefined) {
    throw new ConfigurationError('customTokenCache', "Set either 'customTokenCache' or 'tokenCacheStore', not both.");
  }
  if (custom !== undefined) {
    if (!isCacheProtocol(custom)) {
      throw new ConfigurationError(
        'customTokenCache',
        "Invalid option 'customTokenCache': it must implement CacheProtocol (addToken, getToken, removeToken, clear and listTokens).",
      );
    }
    return { custom };
  }
  if (store !== undefined) {
    if (!isKeyvLike(store)) {
      throw new ConfigurationError(
        'tokenCacheStore',
        "Invalid option 'tokenCacheStore': it must be a Keyv instance; wrap a storage adapter as new Keyv({ store: adapter }).",
      );
    }
    return { store };
  }
  return undefined;
}

function isKeyvLike(value: unknown): value is Keyv {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const candidate = value as Record<string, unknown>;
  // getManyRaw and hooks are Keyv's own; storage adapters such as KeyvRedis have the other methods too.
  const methods = ['get', 'set', 'getMany', 'getManyRaw', 'delete', 'clear'].every((name) => typeof candidate[name] === 'function');
  return methods && typeof candidate.hooks === 'object' && candidate.hooks !== null;
}

function toConfigurationError(error: ValidationError, parent: string): ConfigurationError {
  const path = parent === '' ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
  if (error.constraints === undefined && error.children !== undefined && error.children.length > 0) {
    return toConfigurationError(error.children[0], path);
  }
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation !== undefined) {
    return new ConfigurationError(path, `Unknown option '${path}'.`);
  }
  const message = Object.values(constraints)[0] ?? 'is invalid';
  if (message.startsWith("Parameter '")) {
    return new ConfigurationError(path, path === error.property ? message : `Invalid option '${path}': ${message}`);
  }
  return new ConfigurationError(path, `Invalid option '${path}': ${message.replace(error.property, 'it')}.`);
}
