import { BUILT_IN_VARIANTS } from './built-in-templates.js';
import { describeValue, invalidTemplateError, ProviderConfigurationError } from './errors.js';
import { OIDCProvider } from './provider-names.js';
import { parseUrlTemplate, UrlTemplate } from './url-template.js';

/** One discovery URL form of a provider, with defaults for the template fields a config may omit. */
export interface ProviderVariant {
  readonly template: UrlTemplate;
  readonly defaults: Readonly<Record<string, string>>;
}

/** Built-in or registered provider. Custom providers have one variant and ignore the `variant` field. */
export interface ProviderDefinition {
  readonly name: string;
  readonly builtIn: boolean;
  /** Variants by the value of the `variant` field. The first entry is the default. */
  readonly variants: ReadonlyMap<string, ProviderVariant>;
}

const builtInProviders: ReadonlyMap<string, ProviderDefinition> = new Map(
  Object.values(OIDCProvider).map((name) => [name, buildBuiltInDefinition(name)]),
);
const builtInNamesUpperCase = new Set(Object.values(OIDCProvider).map((name) => name.toUpperCase()));
const customProviders = new Map<string, ProviderDefinition>();

function buildBuiltInDefinition(name: OIDCProvider): ProviderDefinition {
  const variants = BUILT_IN_VARIANTS[name].map((spec): [string, ProviderVariant] => [
    spec.variant,
    { template: parseUrlTemplate(spec.template, name), defaults: spec.defaults ?? {} },
  ]);
  return { name, builtIn: true, variants: new Map(variants) };
}

/** Returns the built-in or registered provider with exactly this name. */
export function findProvider(name: string): ProviderDefinition | undefined {
  return builtInProviders.get(name) ?? customProviders.get(name);
}

/**
 * Registers a provider that `getOidcUrls` then accepts by `name`. Registering a name again
 * replaces the earlier template.
 *
 * The template is an absolute `https://` URL (`http://` only with a fixed host of localhost,
 * 127.0.0.1 or [::1]) whose path contains `/.well-known/openid-configuration`, or it starts with a
 * placeholder that takes a whole base URL, as in `{issuer}/.well-known/openid-configuration`.
 * Every `{field}` placeholder must be listed in `requiredFields`, and every listed field must be used.
 * Values are validated as for built-in providers, by where each placeholder sits.
 *
 * @throws ProviderConfigurationError with code `ERR_INVALID_PROVIDER_NAME` for an empty name or the
 * name of a built-in provider (compared without regard to case), or `ERR_INVALID_PROVIDER_TEMPLATE`.
 *
 * @example
 * registerCustomProvider('ACME_SSO', 'https://{tenant}.sso.example.com/.well-known/openid-configuration', ['tenant']);
 * getOidcUrls({ tenant: 'blue' }, 'ACME_SSO');
 * // ['https://blue.sso.example.com/.well-known/openid-configuration']
 */
export function registerCustomProvider(name: string, urlTemplate: string, requiredFields: string[]): void {
  checkCustomProviderName(name);
  const template = parseUrlTemplate(urlTemplate, name);
  checkRequiredFields(name, template, requiredFields);
  const variant: ProviderVariant = { template, defaults: {} };
  customProviders.set(name, { name, builtIn: false, variants: new Map([['default', variant]]) });
}

/** Removes a registered custom provider. Returns whether one was registered under `name`. */
export function unregisterCustomProvider(name: string): boolean {
  return customProviders.delete(name);
}

function checkCustomProviderName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '' || name !== name.trim()) {
    const message =
      `Invalid provider name ${describeValue(name)}: ` +
      'use a non-empty string without leading or trailing whitespace.';
    throw new ProviderConfigurationError('ERR_INVALID_PROVIDER_NAME', String(name), message);
  }
  if (builtInNamesUpperCase.has(name.toUpperCase())) {
    const message =
      `Invalid provider name '${name}': it is the name of a built-in provider, ` +
      'which cannot be replaced. Choose another name.';
    throw new ProviderConfigurationError('ERR_INVALID_PROVIDER_NAME', name, message);
  }
}

function checkRequiredFields(name: string, template: UrlTemplate, requiredFields: unknown): void {
  if (!Array.isArray(requiredFields) || !requiredFields.every((field) => typeof field === 'string')) {
    throw invalidTemplateError(name, 'requiredFields must be an array of field names');
  }
  const listed = new Set<string>(requiredFields);
  const unlisted = [...template.fields.keys()].filter((field) => !listed.has(field));
  if (unlisted.length > 0) {
    const reason = `these placeholders are not listed in requiredFields: ${formatPlaceholders(unlisted)}`;
    throw invalidTemplateError(name, reason);
  }
  const unused = [...listed].filter((field) => !template.fields.has(field));
  if (unused.length > 0) {
    const reason = `requiredFields lists fields that the template does not use: ${unused.join(', ')}`;
    throw invalidTemplateError(name, reason);
  }
}

function formatPlaceholders(fields: readonly string[]): string {
  return fields.map((field) => `{${field}}`).join(', ');
}
