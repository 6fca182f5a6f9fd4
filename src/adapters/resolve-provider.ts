import { issuerPrefix } from '../discovery/issuer-rules.js';
import { checkDocumentUrl } from '../discovery/url-rules.js';
import { PROVIDER_PRESETS, type ProviderPreset } from '../providers/presets.js';
import { OIDCProvider } from '../providers/provider-names.js';
import { ConfigurationError } from './configuration-error.js';
import type { ProviderOptionsSchema, OidcAuthOptionsSchema } from './options-schema.js';
import type { ResolvedProvider } from './resolve-options.js';
import type { ClaimValue } from '../verification/claim-rules.js';

// Options that describe one provider; with `providers`, they belong inside each entry.
const PROVIDER_RULES = ['issuer', 'sameOriginIssuer', 'preset', 'requiredClaims', 'tenants', 'allowAnyTenant', 'tokenIssuer'] as const;

/** Resolves the provider list of validated options: `providers`, or the top-level single provider. */
export function resolveProviders(schema: OidcAuthOptionsSchema): ResolvedProvider[] {
  if (schema.providers === undefined) {
    // In the single-provider form the top-level rolesKey is this provider's, so it overrides a preset.
    return [resolveProvider(schema as ProviderOptionsSchema, '')];
  }
  if (schema.oidcUrls !== undefined || schema.audiences !== undefined) {
    throw new ConfigurationError('providers', "Set either 'oidcUrls' and 'audiences' or 'providers', not both.");
  }
  const misplaced = PROVIDER_RULES.find((name) => schema[name] !== undefined);
  if (misplaced !== undefined) {
    throw new ConfigurationError(misplaced, `Invalid option '${misplaced}': with 'providers', set it inside each provider.`);
  }
  return schema.providers.map((provider, index) => resolveProvider(provider, `providers[${index}].`));
}

function resolveProvider(provider: ProviderOptionsSchema, path: string): ResolvedProvider {
  const preset: ProviderPreset = provider.preset === undefined ? {} : PROVIDER_PRESETS[provider.preset as OIDCProvider];
  if (provider.tenants !== undefined && provider.allowAnyTenant === true) {
    throw new ConfigurationError(`${path}tenants`, `Set either '${path}tenants' or '${path}allowAnyTenant', not both.`);
  }
  const multiTenant = provider.tenants !== undefined || provider.allowAnyTenant === true;
  if (multiTenant && provider.preset !== undefined && provider.preset !== OIDCProvider.AZURE_AD) {
    const option = provider.tenants === undefined ? 'allowAnyTenant' : 'tenants';
    throw new ConfigurationError(`${path}${option}`, `Invalid option '${path}${option}': it applies to Azure AD, not to ${provider.preset} tokens, which carry no tid.`);
  }
  provider.oidcUrls.forEach((url, index) => checkUrl(provider, preset, { url, path, index }, multiTenant));
  const onB2c = provider.oidcUrls.every((url) => new URL(url).hostname.endsWith('.b2clogin.com'));
  return {
    oidcUrls: provider.oidcUrls,
    audiences: provider.audiences,
    issuer: provider.issuer,
    sameOriginIssuer: provider.sameOriginIssuer ?? (preset.sameOriginIssuer === true || onB2c),
    rolesKey: provider.rolesKey ?? preset.rolesKey,
    tokenIssuer: provider.tokenIssuer,
    schemelessIssuer: preset.schemelessIssuer === true,
    multiTenant,
    rules: {
      audienceClaim: preset.audienceClaim ?? 'aud',
      requiredClaims: { ...preset.requiredClaims, ...resolveRequiredClaims(provider.requiredClaims, `${path}requiredClaims`) },
      tenants: provider.tenants === undefined ? undefined : new Set(provider.tenants.map((tenant) => tenant.toLowerCase())),
    },
  };
}

/** One entry of `oidcUrls`: the URL, the option path of its provider (`providers[0].` or empty) and its index. */
interface UrlEntry {
  url: string;
  path: string;
  index: number;
}

function checkUrl(provider: ProviderOptionsSchema, preset: ProviderPreset, { url, path, index }: UrlEntry, multiTenant: boolean): void {
  const option = `${path}oidcUrls`;
  const name = `${option}[${index}]`;
  const problem = checkDocumentUrl(url);
  if (problem !== undefined) {
    throw new ConfigurationError(option, `Invalid option '${name}': the URL ${problem}.`);
  }
  if (provider.issuer === undefined && provider.tokenIssuer === undefined && issuerPrefix(url) === undefined) {
    const message = `Invalid option '${name}': a discovery URL must end with /.well-known/openid-configuration, or set '${path}issuer'.`;
    throw new ConfigurationError(option, message);
  }
  const unsuitable = preset.checkUrl?.(new URL(url), multiTenant);
  if (unsuitable !== undefined) {
    throw new ConfigurationError(option, `Invalid option '${name}': this ${provider.preset} URL ${unsuitable}.`);
  }
}

function resolveRequiredClaims(claims: Record<string, unknown> | undefined, name: string): Record<string, readonly ClaimValue[]> {
  const resolved: Record<string, readonly ClaimValue[]> = {};
  for (const [claim, value] of Object.entries(claims ?? {})) {
    const allowed: unknown[] = Array.isArray(value) ? value : [value];
    if (allowed.length === 0 || !allowed.every(isClaimValue)) {
      throw new ConfigurationError(
        name,
        `Invalid option '${name}.${claim}': it must be a non-empty string, a finite number or a boolean, or a non-empty list of them.`,
      );
    }
    resolved[claim] = allowed as ClaimValue[];
  }
  return resolved;
}

function isClaimValue(value: unknown): value is ClaimValue {
  return (typeof value === 'string' && value.length > 0) || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
