import { OIDCProvider } from './provider-names.js';

/** One discovery URL form of a built-in provider. */
export interface VariantSpec {
  /** Value of the `variant` config field that selects this form. */
  readonly variant: string;
  readonly template: string;
  /** Values used for template fields that a config leaves out. */
  readonly defaults?: Readonly<Record<string, string>>;
}

const DISCOVERY = '.well-known/openid-configuration';

/**
 * Discovery URL templates of the built-in providers. The first variant of each provider is its
 * default. Sources are the vendors' documentation pages named in each comment.
 */
export const BUILT_IN_VARIANTS: Readonly<Record<OIDCProvider, readonly VariantSpec[]>> = {
  // Okta's "Validate access tokens" guide: only Okta should consume or validate access tokens from
  // the org authorization server. Your APIs accept tokens from a custom authorization server, and
  // the pre-created one has the id "default".
  [OIDCProvider.OKTA]: [
    {
      variant: 'custom',
      template: `https://{domain}/oauth2/{authServerId}/${DISCOVERY}`,
      defaults: { authServerId: 'default' },
    },
    { variant: 'org', template: `https://{domain}/${DISCOVERY}` },
  ],
  // Duo Single Sign-On publishes one issuer per application:
  // https://sso-{accountId}.sso.duosecurity.com/oidc/{clientId}.
  // The "/oauth/v1" form is the Duo OIDC Auth API, which Duo documents as two-factor only. Its ID
  // tokens are signed with HS512 and the client secret, so asymmetric-only verification rejects them.
  // NOTE: the Duo SSO layout comes from the oauth2-proxy guide for Cisco Duo, not from a Duo page.
  [OIDCProvider.DUO]: [
    { variant: 'sso', template: `https://sso-{accountId}.sso.duosecurity.com/oidc/{clientId}/${DISCOVERY}` },
    { variant: 'universal-prompt', template: `https://{domain}/oauth/v1/${DISCOVERY}` },
  ],
  [OIDCProvider.ONELOGIN]: [{ variant: 'default', template: `https://{domain}/oidc/2/${DISCOVERY}` }],
  // Microsoft identity platform access token docs: an API receives v1.0 or v2.0 tokens depending on
  // its requestedAccessTokenVersion setting. Only the v1 document declares the v1.0 issuer
  // https://sts.windows.net/{tenantId}/, which is not the document's URL prefix.
  [OIDCProvider.AZURE_AD]: [
    { variant: 'v2', template: `https://login.microsoftonline.com/{tenant}/v2.0/${DISCOVERY}` },
    { variant: 'v1', template: `https://login.microsoftonline.com/{tenant}/${DISCOVERY}` },
  ],
  [OIDCProvider.AZURE_AD_B2C]: [
    {
      variant: 'default',
      template: `https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/v2.0/${DISCOVERY}`,
    },
  ],
  [OIDCProvider.GOOGLE]: [{ variant: 'default', template: `https://accounts.google.com/${DISCOVERY}` }],
  // Meta's Limited Login docs now name limited.facebook.com, with a trailing slash. The www host
  // still served a document in October 2024, and its issuer https://www.facebook.com is the URL
  // prefix that OpenID Connect Discovery requires. The issuer declared by the limited host is unknown.
  [OIDCProvider.FACEBOOK]: [
    { variant: 'www', template: `https://www.facebook.com/${DISCOVERY}` },
    { variant: 'limited', template: `https://limited.facebook.com/${DISCOVERY}/` },
  ],
  [OIDCProvider.GENERIC]: [{ variant: 'default', template: `{baseUrl}/${DISCOVERY}` }],
  // Amazon Cognito user pools: the issuer is https://cognito-idp.{region}.amazonaws.com/{userPoolId}.
  // The "{prefix}.auth.{region}.amazoncognito.com" host only serves the hosted login endpoints.
  [OIDCProvider.AMAZON_COGNITO]: [
    { variant: 'default', template: `https://cognito-idp.{region}.amazonaws.com/{userPoolId}/${DISCOVERY}` },
  ],
  [OIDCProvider.AUTH0]: [{ variant: 'default', template: `https://{domain}/${DISCOVERY}` }],
  // PingFederate serves discovery at its base URL. PingOne serves it per environment on
  // auth.pingone.{region}, where region is a domain suffix such as com, eu, ca, asia or com.au.
  // NOTE: Ping's pages write auth.pingone.<region> without listing the suffixes, so any host name is accepted.
  [OIDCProvider.PING_IDENTITY]: [
    { variant: 'pingfederate', template: `https://{domain}/${DISCOVERY}` },
    {
      variant: 'pingone',
      template: `https://auth.pingone.{region}/{envId}/as/${DISCOVERY}`,
      defaults: { region: 'com' },
    },
  ],
  // IBM Verify's "OpenID Connect" application page: the Custom Application template with the OpenID
  // Connect sign-on method uses the old provider at /oidc/endpoint/default, and the newer OpenID
  // Connect templates use the new provider at /oauth2.
  [OIDCProvider.IBM_SECURITY_VERIFY]: [
    { variant: 'oidc-endpoint', template: `https://{tenant}.verify.ibm.com/oidc/endpoint/default/${DISCOVERY}` },
    { variant: 'oauth2', template: `https://{tenant}.verify.ibm.com/oauth2/${DISCOVERY}` },
  ],
  [OIDCProvider.SALESFORCE]: [{ variant: 'default', template: `https://{instance}.my.salesforce.com/${DISCOVERY}` }],
  // Keycloak 17 made the Quarkus distribution the default and dropped "/auth" from the default path.
  // The prefix remains on the WildFly distribution and with --http-relative-path /auth.
  [OIDCProvider.KEYCLOAK]: [
    { variant: 'current', template: `https://{domain}/realms/{realm}/${DISCOVERY}` },
    { variant: 'legacy', template: `https://{domain}/auth/realms/{realm}/${DISCOVERY}` },
  ],
  [OIDCProvider.GITHUB]: [{ variant: 'default', template: `https://token.actions.githubusercontent.com/${DISCOVERY}` }],
};
