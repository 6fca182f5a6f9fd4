import type { ClaimValue } from '../verification/claim-rules.js';
import { OIDCProvider } from './provider-names.js';

/**
 * The defaults a built-in provider named as `preset` brings: where its tokens keep roles and
 * audiences, which claims they must carry, and which issuer spellings they use. Sources are in
 * `docs/providers/`, one page per provider.
 */
export interface ProviderPreset {
  /** The claim that contains roles, unless the provider's options name another. */
  readonly rolesKey?: string;
  /**
   * The claim that contains the audience. Amazon Cognito access tokens carry `client_id` and no
   * `aud`, while its ID tokens carry `aud`.
   */
  readonly audienceClaim?: 'aud' | 'client_id';
  /** Claims every token must carry, each with one of the listed values. */
  readonly requiredClaims?: Readonly<Record<string, readonly ClaimValue[]>>;
  /** Also accept the issuer without its scheme, as Google ID tokens may carry `accounts.google.com`. */
  readonly schemelessIssuer?: boolean;
  /** Accept any issuer on the discovery URL's origin (Azure AD B2C publishes it under the tenant ID). */
  readonly sameOriginIssuer?: boolean;
  /** Returns why a discovery URL does not suit this provider, or undefined when it does. */
  readonly checkUrl?: (url: URL, multiTenant: boolean) => string | undefined;
}

// Azure AD's tenant-independent authorities; their documents declare the issuer template {tenantid}.
const SHARED_AZURE_TENANTS = new Set(['common', 'organizations', 'consumers']);

function checkAzureUrl(url: URL, multiTenant: boolean): string | undefined {
  const tenant = url.pathname.split('/')[1] ?? '';
  if (SHARED_AZURE_TENANTS.has(tenant.toLowerCase()) && !multiTenant) {
    return `serves every tenant ('${tenant}'), so set 'tenants' to the tenant IDs to accept, or 'allowAnyTenant: true'`;
  }
  return undefined;
}

// Okta's "Validate access tokens" guide: access tokens from the org authorization server are meant
// for Okta itself and cannot be validated by APIs; APIs use a custom authorization server.
function checkOktaUrl(url: URL): string | undefined {
  if (!url.pathname.startsWith('/oauth2/')) {
    return "is Okta's org authorization server, whose access tokens are meant for Okta only; use a custom authorization server such as /oauth2/default";
  }
  return undefined;
}

/** The preset of each built-in provider. Providers whose tokens follow the defaults have an empty one. */
export const PROVIDER_PRESETS: Readonly<Record<OIDCProvider, ProviderPreset>> = {
  [OIDCProvider.OKTA]: { rolesKey: 'groups', checkUrl: checkOktaUrl },
  [OIDCProvider.DUO]: { rolesKey: 'groups' },
  [OIDCProvider.ONELOGIN]: { rolesKey: 'groups' },
  [OIDCProvider.AZURE_AD]: { rolesKey: 'roles', checkUrl: checkAzureUrl },
  [OIDCProvider.AZURE_AD_B2C]: { sameOriginIssuer: true },
  [OIDCProvider.GOOGLE]: { schemelessIssuer: true },
  [OIDCProvider.FACEBOOK]: {},
  [OIDCProvider.GENERIC]: {},
  [OIDCProvider.AMAZON_COGNITO]: { rolesKey: 'cognito:groups', audienceClaim: 'client_id', requiredClaims: { token_use: ['access'] } },
  [OIDCProvider.AUTH0]: { rolesKey: 'permissions' },
  [OIDCProvider.PING_IDENTITY]: {},
  [OIDCProvider.IBM_SECURITY_VERIFY]: { rolesKey: 'groupIds' },
  [OIDCProvider.SALESFORCE]: { rolesKey: 'roles' },
  [OIDCProvider.KEYCLOAK]: { rolesKey: 'realm_access.roles' },
  [OIDCProvider.GITHUB]: {},
};
