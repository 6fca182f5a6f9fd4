import {
  invalidFieldError,
  missingFieldsError,
  ProviderConfigurationError,
  unknownProviderError,
} from './errors.js';
import { checkFieldValue } from './field-values.js';
import { assertFieldsObject, FieldEntry, ProviderFields, readField } from './provider-fields.js';
import { OIDCProvider } from './provider-names.js';
import { findProvider, ProviderDefinition, ProviderVariant } from './registry.js';
import { expandUrlTemplate } from './url-template.js';

/**
 * Builds one OpenID Connect discovery URL per config for a built-in or registered provider.
 * Built-in providers with several URL forms take a `variant` field, such as `legacy` for Keycloak
 * servers that keep the "/auth" prefix.
 *
 * Every value is validated before it is substituted, so no value can change the host or path
 * layout of the template. Path values allow only unreserved URL characters, and `domain` allows only
 * a host name and port. `baseUrl` must be an https URL, or http for a loopback host.
 *
 * @throws ProviderConfigurationError with code `ERR_UNKNOWN_PROVIDER`, `ERR_MISSING_PROVIDER_FIELDS`,
 * `ERR_INVALID_PROVIDER_FIELD` or `ERR_INVALID_PROVIDER_CONFIG`.
 *
 * @example
 * getOidcUrls({ domain: 'sso.example.com', realm: 'staff' }, OIDCProvider.KEYCLOAK);
 * // ['https://sso.example.com/realms/staff/.well-known/openid-configuration']
 */
export function getOidcUrls(
  configOrList: ProviderFields | readonly ProviderFields[],
  providerName: OIDCProvider | string,
): string[] {
  const provider = findProvider(providerName);
  if (provider === undefined) {
    throw unknownProviderError(String(providerName));
  }
  const configs = isFieldsList(configOrList) ? configOrList : [configOrList];
  return configs.map((config) => buildDiscoveryUrl(provider, config, providerName));
}

function isFieldsList(value: ProviderFields | readonly ProviderFields[]): value is readonly ProviderFields[] {
  return Array.isArray(value);
}

function buildDiscoveryUrl(provider: ProviderDefinition, config: unknown, providerName: string): string {
  assertFieldsObject(config, providerName);
  const variant = selectVariant(provider, config, providerName);
  const values = collectFieldValues(variant, config, providerName);

  const url = expandUrlTemplate(variant.template, values);
  if (url === undefined) {
    // Validated values keep the template's shape, so this is a last line of defence.
    const fields = [...variant.template.fields.keys()];
    const message =
      `Invalid fields ${fields.join(', ')} for ${providerName}: ` +
      "the resulting URL does not keep the template's host and path.";
    throw new ProviderConfigurationError('ERR_INVALID_PROVIDER_FIELD', providerName, message, fields);
  }
  return url;
}

function selectVariant(provider: ProviderDefinition, config: ProviderFields, providerName: string): ProviderVariant {
  const variants = provider.variants;
  const [defaultVariant] = variants.values();
  const entry = provider.builtIn ? readField(config, 'variant', providerName) : undefined;
  if (entry === undefined) {
    return defaultVariant;
  }
  const variant = typeof entry.value === 'string' ? variants.get(entry.value) : undefined;
  if (variant === undefined) {
    const names = [...variants.keys()].join(', ');
    throw invalidFieldError(providerName, entry.key, entry.value, `must be one of ${names}`);
  }
  return variant;
}

/** Reads, defaults and validates every template field. Missing fields are reported together. */
function collectFieldValues(
  variant: ProviderVariant,
  config: ProviderFields,
  providerName: string,
): Map<string, string> {
  const entries = new Map<string, FieldEntry>();
  const missing: string[] = [];
  for (const field of variant.template.fields.keys()) {
    const entry = readField(config, field, providerName) ?? readDefault(variant, field);
    if (entry === undefined) {
      missing.push(field);
    } else {
      entries.set(field, entry);
    }
  }
  if (missing.length > 0) {
    throw missingFieldsError(providerName, missing);
  }

  const values = new Map<string, string>();
  for (const [field, entry] of entries) {
    values.set(field, validateFieldValue(variant, field, entry, providerName));
  }
  return values;
}

function readDefault(variant: ProviderVariant, field: string): FieldEntry | undefined {
  return Object.hasOwn(variant.defaults, field) ? { key: field, value: variant.defaults[field] } : undefined;
}

function validateFieldValue(variant: ProviderVariant, field: string, entry: FieldEntry, providerName: string): string {
  let value = entry.value;
  for (const rule of variant.template.fields.get(field) ?? []) {
    const check = checkFieldValue(rule, value);
    if (!check.valid) {
      throw invalidFieldError(providerName, entry.key, entry.value, check.reason);
    }
    value = check.value;
  }
  return String(value);
}
