import { ProviderConfigurationError } from './errors.js';

/**
 * Values for one provider's URL template, keyed by field name. Fields a template does not use are
 * ignored. An empty string counts as a missing field.
 *
 * @example
 * const config: ProviderFields = { domain: 'sso.example.com', realm: 'staff' };
 */
export interface ProviderFields {
  readonly [field: string]: string | undefined;
  /** Built-in URL variant, such as `legacy` for Keycloak. Omit it to get the provider's default variant. */
  readonly variant?: string;
  /** Host name with an optional port, without scheme or path, such as `sso.example.com:8443`. */
  readonly domain?: string;
  /** Issuer URL for the GENERIC provider, such as `https://id.example.com/tenant`. Alias: `base_url`. */
  readonly baseUrl?: string;
  /** Amazon Cognito user pool id, such as `us-east-1_AbCdEf123`. Alias: `user_pool_id`. */
  readonly userPoolId?: string;
  /** AWS region for Amazon Cognito, or the PingOne domain suffix such as `eu`. */
  readonly region?: string;
  /** Azure AD tenant id or domain, Azure AD B2C tenant name, or IBM Security Verify tenant name. */
  readonly tenant?: string;
  /** Azure AD B2C user flow or custom policy, such as `B2C_1_signin`. */
  readonly policy?: string;
  /** Keycloak realm name. */
  readonly realm?: string;
  /** Salesforce My Domain name, such as `acme` for `acme.my.salesforce.com`. */
  readonly instance?: string;
  /** Okta custom authorization server id. Defaults to `default`. */
  readonly authServerId?: string;
  /** PingOne environment id. */
  readonly envId?: string;
  /** Duo Single Sign-On account part of the host, as in `sso-{accountId}.sso.duosecurity.com`. */
  readonly accountId?: string;
  /** Duo Single Sign-On application client id. */
  readonly clientId?: string;
}

/** One field read from a config: the key the caller used and its raw value. */
export interface FieldEntry {
  readonly key: string;
  readonly value: unknown;
}

/** Snake_case spellings used by the Python package, accepted in both directions. */
const FIELD_ALIASES: ReadonlyMap<string, string> = new Map([
  ['baseUrl', 'base_url'],
  ['base_url', 'baseUrl'],
  ['userPoolId', 'user_pool_id'],
  ['user_pool_id', 'userPoolId'],
]);

/**
 * Reads `field` or its alias from `config`. Returns undefined when neither is set to a non-empty
 * value, and throws when both are set to different values.
 */
export function readField(config: ProviderFields, field: string, providerName: string): FieldEntry | undefined {
  const alias = FIELD_ALIASES.get(field);
  const value = readOwnValue(config, field);
  const aliasValue = alias === undefined ? undefined : readOwnValue(config, alias);

  if (alias !== undefined && value !== undefined && aliasValue !== undefined && value !== aliasValue) {
    const message = `Invalid field ${alias} for ${providerName}: it conflicts with ${field}. Set only one of them.`;
    throw new ProviderConfigurationError('ERR_INVALID_PROVIDER_FIELD', providerName, message, [field, alias]);
  }
  if (value !== undefined) {
    return { key: field, value };
  }
  if (alias !== undefined && aliasValue !== undefined) {
    return { key: alias, value: aliasValue };
  }
  return undefined;
}

/** Reads an own property only, so names such as `constructor` never resolve to inherited members. */
function readOwnValue(config: ProviderFields, key: string): unknown {
  if (!Object.hasOwn(config, key)) {
    return undefined;
  }
  const value: unknown = config[key];
  return value === '' || value === null ? undefined : value;
}

/** Throws unless `config` is a plain object, which callers written in JavaScript can get wrong. */
export function assertFieldsObject(config: unknown, providerName: string): asserts config is ProviderFields {
  if (typeof config === 'object' && config !== null && !Array.isArray(config)) {
    return;
  }
  const message =
    `Invalid configuration for ${providerName}: expected an object that maps field names to strings, ` +
    `but received ${describeKind(config)}.`;
  throw new ProviderConfigurationError('ERR_INVALID_PROVIDER_CONFIG', providerName, message);
}

function describeKind(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return `a ${typeof value}`;
}
