/**
 * Built-in identity providers. Each value is the name that `getOidcUrls` accepts, so
 * `getOidcUrls(config, OIDCProvider.KEYCLOAK)` and `getOidcUrls(config, 'KEYCLOAK')` are equivalent.
 */
export enum OIDCProvider {
  OKTA = 'OKTA',
  DUO = 'DUO',
  ONELOGIN = 'ONELOGIN',
  AZURE_AD = 'AZURE_AD',
  AZURE_AD_B2C = 'AZURE_AD_B2C',
  GOOGLE = 'GOOGLE',
  FACEBOOK = 'FACEBOOK',
  GENERIC = 'GENERIC',
  AMAZON_COGNITO = 'AMAZON_COGNITO',
  AUTH0 = 'AUTH0',
  PING_IDENTITY = 'PING_IDENTITY',
  IBM_SECURITY_VERIFY = 'IBM_SECURITY_VERIFY',
  SALESFORCE = 'SALESFORCE',
  KEYCLOAK = 'KEYCLOAK',
  GITHUB = 'GITHUB',
}
