import { expect } from 'chai';
import {
  getOidcUrls,
  OIDCProvider,
  ProviderConfigurationError,
  ProviderFields,
  registerCustomProvider,
  unregisterCustomProvider,
} from '../src/providers/index.js';

/** Runs `action` and returns the ProviderConfigurationError it throws, failing the test otherwise. */
function catchProviderError(action: () => unknown): ProviderConfigurationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProviderConfigurationError) {
      return error;
    }
    throw error;
  }
  return expect.fail('expected a ProviderConfigurationError');
}

function urlFor(config: ProviderFields, provider: OIDCProvider | string): string {
  const urls = getOidcUrls(config, provider);
  expect(urls).to.have.length(1);
  return urls[0];
}

describe('getOidcUrls', () => {
  describe('default templates', () => {
    const cases: ReadonlyArray<[OIDCProvider, ProviderFields, string]> = [
      [
        OIDCProvider.OKTA,
        { domain: 'example.okta.com' },
        'https://example.okta.com/oauth2/default/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.DUO,
        { accountId: 'example', clientId: 'DIABCDEF0123456789' },
        'https://sso-example.sso.duosecurity.com/oidc/DIABCDEF0123456789/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.ONELOGIN,
        { domain: 'example.onelogin.com' },
        'https://example.onelogin.com/oidc/2/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.AZURE_AD,
        { tenant: 'contoso.onmicrosoft.com' },
        'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.AZURE_AD_B2C,
        { tenant: 'contoso', policy: 'B2C_1_signin' },
        'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration',
      ],
      [OIDCProvider.GOOGLE, {}, 'https://accounts.google.com/.well-known/openid-configuration'],
      [OIDCProvider.FACEBOOK, {}, 'https://www.facebook.com/.well-known/openid-configuration'],
      [
        OIDCProvider.GENERIC,
        { baseUrl: 'https://id.example.com/tenant' },
        'https://id.example.com/tenant/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.AMAZON_COGNITO,
        { region: 'us-east-1', userPoolId: 'us-east-1_AbCdEf123' },
        'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.AUTH0,
        { domain: 'example.us.auth0.com' },
        'https://example.us.auth0.com/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.PING_IDENTITY,
        { domain: 'pingfederate.example.com:9031' },
        'https://pingfederate.example.com:9031/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.IBM_SECURITY_VERIFY,
        { tenant: 'example' },
        'https://example.verify.ibm.com/oidc/endpoint/default/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.SALESFORCE,
        { instance: 'example' },
        'https://example.my.salesforce.com/.well-known/openid-configuration',
      ],
      [
        OIDCProvider.KEYCLOAK,
        { domain: 'sso.example.com', realm: 'staff' },
        'https://sso.example.com/realms/staff/.well-known/openid-configuration',
      ],
      [OIDCProvider.GITHUB, {}, 'https://token.actions.githubusercontent.com/.well-known/openid-configuration'],
    ];

    it('covers every built-in provider', () => {
      const covered = cases.map(([provider]) => provider).sort();
      expect(covered).to.deep.equal(Object.values(OIDCProvider).sort());
    });

    for (const [provider, config, expected] of cases) {
      it(`${provider} default URL`, () => {
        expect(getOidcUrls(config, provider)).to.deep.equal([expected]);
      });
    }

    it('accepts provider names as strings', () => {
      expect(urlFor({ domain: 'sso.example.com', realm: 'staff' }, 'KEYCLOAK')).to.equal(
        'https://sso.example.com/realms/staff/.well-known/openid-configuration',
      );
    });

    it('keycloak defaults to the 17+ layout', () => {
      const url = urlFor({ domain: 'sso.example.com', realm: 'staff' }, OIDCProvider.KEYCLOAK);
      expect(url).to.not.include('/auth/');
    });

    it('okta uses a given authServerId', () => {
      const url = urlFor({ domain: 'example.okta.com', authServerId: 'aus1a2b3c4d5e6f7g8h9' }, OIDCProvider.OKTA);
      expect(url).to.equal('https://example.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/openid-configuration');
    });

    it('salesforce accepts a sandbox My Domain', () => {
      const url = urlFor({ instance: 'example--dev.sandbox' }, OIDCProvider.SALESFORCE);
      expect(url).to.equal('https://example--dev.sandbox.my.salesforce.com/.well-known/openid-configuration');
    });

    it('generic removes trailing slashes', () => {
      const url = urlFor({ baseUrl: 'https://id.example.com/tenant//' }, OIDCProvider.GENERIC);
      expect(url).to.equal('https://id.example.com/tenant/.well-known/openid-configuration');
    });

    it('generic accepts http on loopback hosts', () => {
      expect(urlFor({ baseUrl: 'http://localhost:8080/realms/dev' }, OIDCProvider.GENERIC)).to.equal(
        'http://localhost:8080/realms/dev/.well-known/openid-configuration',
      );
      expect(urlFor({ baseUrl: 'http://127.0.0.1:8080' }, OIDCProvider.GENERIC)).to.equal(
        'http://127.0.0.1:8080/.well-known/openid-configuration',
      );
      expect(urlFor({ baseUrl: 'http://[::1]:8080/' }, OIDCProvider.GENERIC)).to.equal(
        'http://[::1]:8080/.well-known/openid-configuration',
      );
    });

    it('domain accepts a port and a loopback address', () => {
      expect(urlFor({ domain: 'sso.example.com:8443', realm: 'staff' }, OIDCProvider.KEYCLOAK)).to.equal(
        'https://sso.example.com:8443/realms/staff/.well-known/openid-configuration',
      );
      expect(urlFor({ domain: '[::1]:8443', realm: 'staff' }, OIDCProvider.KEYCLOAK)).to.equal(
        'https://[::1]:8443/realms/staff/.well-known/openid-configuration',
      );
    });

    it('ignores fields the template does not use', () => {
      const url = urlFor({ domain: 'example.us.auth0.com', audience: 'api' }, OIDCProvider.AUTH0);
      expect(url).to.equal('https://example.us.auth0.com/.well-known/openid-configuration');
    });
  });

  describe('variants', () => {
    const cases: ReadonlyArray<[string, OIDCProvider, ProviderFields, string]> = [
      [
        'okta custom',
        OIDCProvider.OKTA,
        { domain: 'example.okta.com', variant: 'custom' },
        'https://example.okta.com/oauth2/default/.well-known/openid-configuration',
      ],
      [
        'okta org',
        OIDCProvider.OKTA,
        { domain: 'example.okta.com', variant: 'org' },
        'https://example.okta.com/.well-known/openid-configuration',
      ],
      [
        'duo sso',
        OIDCProvider.DUO,
        { accountId: 'example', clientId: 'DIABCDEF0123456789', variant: 'sso' },
        'https://sso-example.sso.duosecurity.com/oidc/DIABCDEF0123456789/.well-known/openid-configuration',
      ],
      [
        'duo universal-prompt',
        OIDCProvider.DUO,
        { domain: 'api-example.duosecurity.com', variant: 'universal-prompt' },
        'https://api-example.duosecurity.com/oauth/v1/.well-known/openid-configuration',
      ],
      [
        'azure v2',
        OIDCProvider.AZURE_AD,
        { tenant: 'organizations', variant: 'v2' },
        'https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration',
      ],
      [
        'azure v1',
        OIDCProvider.AZURE_AD,
        { tenant: '00000000-0000-0000-0000-000000000000', variant: 'v1' },
        'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/.well-known/openid-configuration',
      ],
      [
        'facebook www',
        OIDCProvider.FACEBOOK,
        { variant: 'www' },
        'https://www.facebook.com/.well-known/openid-configuration',
      ],
      [
        'facebook limited',
        OIDCProvider.FACEBOOK,
        { variant: 'limited' },
        'https://limited.facebook.com/.well-known/openid-configuration/',
      ],
      [
        'ping pingfederate',
        OIDCProvider.PING_IDENTITY,
        { domain: 'pingfederate.example.com', variant: 'pingfederate' },
        'https://pingfederate.example.com/.well-known/openid-configuration',
      ],
      [
        'ping pingone default region',
        OIDCProvider.PING_IDENTITY,
        { envId: '00000000-0000-0000-0000-000000000000', variant: 'pingone' },
        'https://auth.pingone.com/00000000-0000-0000-0000-000000000000/as/.well-known/openid-configuration',
      ],
      [
        'ping pingone com.au',
        OIDCProvider.PING_IDENTITY,
        { envId: '00000000-0000-0000-0000-000000000000', region: 'com.au', variant: 'pingone' },
        'https://auth.pingone.com.au/00000000-0000-0000-0000-000000000000/as/.well-known/openid-configuration',
      ],
      [
        'ping pingone eu',
        OIDCProvider.PING_IDENTITY,
        { envId: 'abc', region: 'eu', variant: 'pingone' },
        'https://auth.pingone.eu/abc/as/.well-known/openid-configuration',
      ],
      [
        'ibm oidc-endpoint',
        OIDCProvider.IBM_SECURITY_VERIFY,
        { tenant: 'example', variant: 'oidc-endpoint' },
        'https://example.verify.ibm.com/oidc/endpoint/default/.well-known/openid-configuration',
      ],
      [
        'ibm oauth2',
        OIDCProvider.IBM_SECURITY_VERIFY,
        { tenant: 'example', variant: 'oauth2' },
        'https://example.verify.ibm.com/oauth2/.well-known/openid-configuration',
      ],
      [
        'keycloak current',
        OIDCProvider.KEYCLOAK,
        { domain: 'sso.example.com', realm: 'staff', variant: 'current' },
        'https://sso.example.com/realms/staff/.well-known/openid-configuration',
      ],
      [
        'keycloak legacy',
        OIDCProvider.KEYCLOAK,
        { domain: 'sso.example.com', realm: 'staff', variant: 'legacy' },
        'https://sso.example.com/auth/realms/staff/.well-known/openid-configuration',
      ],
      [
        'google default',
        OIDCProvider.GOOGLE,
        { variant: 'default' },
        'https://accounts.google.com/.well-known/openid-configuration',
      ],
    ];

    for (const [title, provider, config, expected] of cases) {
      it(`${title} variant`, () => {
        expect(urlFor(config, provider)).to.equal(expected);
      });
    }

    it('unknown variant lists the valid ones', () => {
      const error = catchProviderError(() =>
        getOidcUrls({ domain: 'sso.example.com', realm: 'staff', variant: 'wildfly' }, OIDCProvider.KEYCLOAK),
      );
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
      expect(error.fields).to.deep.equal(['variant']);
      expect(error.message).to.equal('Invalid field variant for KEYCLOAK: "wildfly" must be one of current, legacy.');
    });

    it('variant on a single-form provider', () => {
      const error = catchProviderError(() => getOidcUrls({ variant: 'v1' }, OIDCProvider.GOOGLE));
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
      expect(error.message).to.equal('Invalid field variant for GOOGLE: "v1" must be one of default.');
    });

    it('variant must be a string', () => {
      const config = { tenant: 'contoso', variant: 1 } as unknown as ProviderFields;
      const error = catchProviderError(() => getOidcUrls(config, OIDCProvider.AZURE_AD));
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
      expect(error.message).to.include('a value of type number');
    });

    it('pingone needs envId', () => {
      const error = catchProviderError(() => getOidcUrls({ variant: 'pingone' }, OIDCProvider.PING_IDENTITY));
      expect(error.code).to.equal('ERR_MISSING_PROVIDER_FIELDS');
      expect(error.message).to.equal('Missing required fields envId for PING_IDENTITY.');
    });
  });

  describe('config lists', () => {
    it('list input gives a list', () => {
      const urls = getOidcUrls(
        [
          { tenant: 'contoso', policy: 'B2C_1A_policy1' },
          { tenant: 'contoso', policy: 'B2C_1A_policy2' },
        ],
        OIDCProvider.AZURE_AD_B2C,
      );
      expect(urls).to.deep.equal([
        'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_policy1/v2.0/.well-known/openid-configuration',
        'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_policy2/v2.0/.well-known/openid-configuration',
      ]);
    });

    it('list may mix variants', () => {
      const urls = getOidcUrls(
        [
          { domain: 'new.example.com', realm: 'staff' },
          { domain: 'old.example.com', realm: 'staff', variant: 'legacy' },
        ],
        OIDCProvider.KEYCLOAK,
      );
      expect(urls).to.deep.equal([
        'https://new.example.com/realms/staff/.well-known/openid-configuration',
        'https://old.example.com/auth/realms/staff/.well-known/openid-configuration',
      ]);
    });

    it('empty list gives an empty list', () => {
      expect(getOidcUrls([], OIDCProvider.GOOGLE)).to.deep.equal([]);
    });

    it('one bad entry fails the list', () => {
      const error = catchProviderError(() =>
        getOidcUrls([{ tenant: 'contoso' }, { tenant: 'con/toso' }], OIDCProvider.AZURE_AD),
      );
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
      expect(error.fields).to.deep.equal(['tenant']);
    });

    it('non-object config is rejected', () => {
      const config = 'sso.example.com' as unknown as ProviderFields;
      const error = catchProviderError(() => getOidcUrls(config, OIDCProvider.AUTH0));
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_CONFIG');
      expect(error.message).to.equal(
        'Invalid configuration for AUTH0: expected an object that maps field names to strings, but received a string.',
      );
    });

    it('null config is rejected', () => {
      const configs = [null] as unknown as ProviderFields[];
      const error = catchProviderError(() => getOidcUrls(configs, OIDCProvider.AUTH0));
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_CONFIG');
      expect(error.message).to.include('but received null');
    });
  });

  describe('unknown providers and missing fields', () => {
    it('unknown provider message', () => {
      const error = catchProviderError(() => getOidcUrls({ domain: 'sso.example.com' }, 'PINGONE'));
      expect(error.code).to.equal('ERR_UNKNOWN_PROVIDER');
      expect(error.providerName).to.equal('PINGONE');
      expect(error.message).to.equal("Unknown provider 'PINGONE'.");
    });

    it('provider names are case-sensitive', () => {
      const error = catchProviderError(() => getOidcUrls({}, 'google'));
      expect(error.code).to.equal('ERR_UNKNOWN_PROVIDER');
      expect(error.message).to.equal("Unknown provider 'google'.");
    });

    it('unknown provider with an empty list', () => {
      const error = catchProviderError(() => getOidcUrls([], 'NOPE'));
      expect(error.code).to.equal('ERR_UNKNOWN_PROVIDER');
    });

    it('missing fields message', () => {
      const error = catchProviderError(() => getOidcUrls({}, OIDCProvider.KEYCLOAK));
      expect(error.code).to.equal('ERR_MISSING_PROVIDER_FIELDS');
      expect(error.fields).to.deep.equal(['domain', 'realm']);
      expect(error.message).to.equal('Missing required fields domain, realm for KEYCLOAK.');
    });

    it('missing one of two fields', () => {
      const error = catchProviderError(() => getOidcUrls({ tenant: 'contoso' }, OIDCProvider.AZURE_AD_B2C));
      expect(error.message).to.equal('Missing required fields policy for AZURE_AD_B2C.');
    });

    it('empty string counts as missing', () => {
      const error = catchProviderError(() => getOidcUrls({ domain: '' }, OIDCProvider.AUTH0));
      expect(error.code).to.equal('ERR_MISSING_PROVIDER_FIELDS');
      expect(error.message).to.equal('Missing required fields domain for AUTH0.');
    });

    it('undefined counts as missing', () => {
      const error = catchProviderError(() => getOidcUrls({ instance: undefined }, OIDCProvider.SALESFORCE));
      expect(error.message).to.equal('Missing required fields instance for SALESFORCE.');
    });

    it('duo default needs the sso fields', () => {
      const error = catchProviderError(() => getOidcUrls({ domain: 'api-example.duosecurity.com' }, OIDCProvider.DUO));
      expect(error.code).to.equal('ERR_MISSING_PROVIDER_FIELDS');
      expect(error.message).to.equal('Missing required fields accountId, clientId for DUO.');
    });

    it('cognito needs region and pool id', () => {
      const error = catchProviderError(() => getOidcUrls({}, OIDCProvider.AMAZON_COGNITO));
      expect(error.message).to.equal('Missing required fields region, userPoolId for AMAZON_COGNITO.');
    });

    it('inherited properties are not fields', () => {
      registerCustomProvider(
        'PROTOTYPE_CHECK',
        'https://sso.example.com/{constructor}/.well-known/openid-configuration',
        ['constructor'],
      );
      try {
        const error = catchProviderError(() => getOidcUrls({}, 'PROTOTYPE_CHECK'));
        expect(error.code).to.equal('ERR_MISSING_PROVIDER_FIELDS');
      } finally {
        unregisterCustomProvider('PROTOTYPE_CHECK');
      }
    });
  });

  describe('aliases', () => {
    it('base_url works for generic', () => {
      const url = urlFor({ base_url: 'https://id.example.com' }, OIDCProvider.GENERIC);
      expect(url).to.equal('https://id.example.com/.well-known/openid-configuration');
    });

    it('user_pool_id works for cognito', () => {
      const url = urlFor({ region: 'eu-west-1', user_pool_id: 'eu-west-1_AbCdEf123' }, OIDCProvider.AMAZON_COGNITO);
      expect(url).to.equal(
        'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/openid-configuration',
      );
    });

    it('same value under both spellings', () => {
      const config = { baseUrl: 'https://id.example.com', base_url: 'https://id.example.com' };
      const url = urlFor(config, OIDCProvider.GENERIC);
      expect(url).to.equal('https://id.example.com/.well-known/openid-configuration');
    });

    it('conflicting spellings are rejected', () => {
      const error = catchProviderError(() =>
        getOidcUrls({ baseUrl: 'https://a.example.com', base_url: 'https://b.example.com' }, OIDCProvider.GENERIC),
      );
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
      expect(error.fields).to.deep.equal(['baseUrl', 'base_url']);
      expect(error.message).to.equal(
        'Invalid field base_url for GENERIC: it conflicts with baseUrl. Set only one of them.',
      );
    });

    it('errors name the spelling used', () => {
      const error = catchProviderError(() => getOidcUrls({ base_url: 'ftp://id.example.com' }, OIDCProvider.GENERIC));
      expect(error.fields).to.deep.equal(['base_url']);
      expect(error.message).to.match(/^Invalid field base_url for GENERIC: "ftp:\/\/id\.example\.com" must be/);
    });

    it('missing message uses camelCase', () => {
      const error = catchProviderError(() => getOidcUrls({ region: 'eu-west-1' }, OIDCProvider.AMAZON_COGNITO));
      expect(error.message).to.equal('Missing required fields userPoolId for AMAZON_COGNITO.');
    });
  });

  describe('invalid values', () => {
    const pathCharacters = ['a/b', 'a@b', 'a?b', 'a#b', '..', '.', 'a b', 'a\\b', 'a%2fb', 'a\tb', 'a:b'];
    const pathFieldCases: ReadonlyArray<[OIDCProvider, string, ProviderFields]> = [
      [OIDCProvider.AZURE_AD, 'tenant', {}],
      [OIDCProvider.AZURE_AD_B2C, 'policy', { tenant: 'contoso' }],
      [OIDCProvider.KEYCLOAK, 'realm', { domain: 'sso.example.com' }],
      [OIDCProvider.AMAZON_COGNITO, 'userPoolId', { region: 'us-east-1' }],
      [OIDCProvider.OKTA, 'authServerId', { domain: 'example.okta.com' }],
      [OIDCProvider.DUO, 'clientId', { accountId: 'example' }],
      [OIDCProvider.PING_IDENTITY, 'envId', { variant: 'pingone' }],
    ];

    for (const [provider, field, baseConfig] of pathFieldCases) {
      it(`${provider} ${field} rejects path-breaking values`, () => {
        for (const value of pathCharacters) {
          const error = catchProviderError(() => getOidcUrls({ ...baseConfig, [field]: value }, provider));
          expect(error.code, value).to.equal('ERR_INVALID_PROVIDER_FIELD');
          expect(error.fields, value).to.deep.equal([field]);
          expect(error.message, value).to.equal(
            `Invalid field ${field} for ${provider}: ${JSON.stringify(value)} must contain only letters, digits, ` +
              "'-', '.', '_' and '~', and must not be '.' or '..'.",
          );
        }
      });
    }

    const hostPartCases: ReadonlyArray<[OIDCProvider, string, ProviderFields]> = [
      [OIDCProvider.AZURE_AD_B2C, 'tenant', { policy: 'B2C_1_signin' }],
      [OIDCProvider.IBM_SECURITY_VERIFY, 'tenant', {}],
      [OIDCProvider.SALESFORCE, 'instance', {}],
      [OIDCProvider.AMAZON_COGNITO, 'region', { userPoolId: 'us-east-1_AbCdEf123' }],
      [OIDCProvider.DUO, 'accountId', { clientId: 'DIABCDEF0123456789' }],
      [OIDCProvider.PING_IDENTITY, 'region', { envId: 'abc', variant: 'pingone' }],
    ];
    const hostPartValues = [
      'evil.example/x',
      'evil.example#',
      'a@evil.example',
      'a?b',
      'a b',
      'a\\b',
      'a:443',
      'a_b',
      '-a',
      'a.',
      '..',
    ];

    for (const [provider, field, baseConfig] of hostPartCases) {
      it(`${provider} ${field} rejects host-breaking values`, () => {
        for (const value of hostPartValues) {
          const error = catchProviderError(() => getOidcUrls({ ...baseConfig, [field]: value }, provider));
          expect(error.code, value).to.equal('ERR_INVALID_PROVIDER_FIELD');
          expect(error.fields, value).to.deep.equal([field]);
          expect(error.message, value).to.include(`Invalid field ${field} for ${provider}: ${JSON.stringify(value)}`);
        }
      });
    }

    const domainValues = [
      'evil.example/x#',
      'evil.example/x',
      'https://sso.example.com',
      'user@sso.example.com',
      'user:secret@sso.example.com',
      'sso.example.com?x',
      'sso.example.com#x',
      'sso.example.com\\x',
      'sso.example.com ',
      ' sso.example.com',
      'sso example.com',
      'sso.example.com:0',
      'sso.example.com:70000',
      'sso.example.com:',
      '0x7f.1',
      '..',
      'sso..example.com',
    ];
    const domainProviders: ReadonlyArray<[OIDCProvider, ProviderFields]> = [
      [OIDCProvider.KEYCLOAK, { realm: 'staff' }],
      [OIDCProvider.OKTA, {}],
      [OIDCProvider.AUTH0, {}],
      [OIDCProvider.ONELOGIN, {}],
      [OIDCProvider.PING_IDENTITY, {}],
    ];

    for (const [provider, baseConfig] of domainProviders) {
      it(`${provider} domain rejects non-host values`, () => {
        for (const value of domainValues) {
          const error = catchProviderError(() => getOidcUrls({ ...baseConfig, domain: value }, provider));
          expect(error.code, value).to.equal('ERR_INVALID_PROVIDER_FIELD');
          expect(error.fields, value).to.deep.equal(['domain']);
          const prefix = `Invalid field domain for ${provider}: ${JSON.stringify(value)} must`;
          expect(error.message, value).to.include(prefix);
        }
      });
    }

    it('domain message explains the expected form', () => {
      const error = catchProviderError(() =>
        getOidcUrls({ domain: 'evil.example/x#', realm: 'staff' }, OIDCProvider.KEYCLOAK),
      );
      expect(error.message).to.equal(
        'Invalid field domain for KEYCLOAK: "evil.example/x#" must be a host name with an optional port and ' +
          'nothing else, such as "sso.example.com" or "sso.example.com:8443" (no scheme, path, query or user info).',
      );
    });

    const baseUrlCases: ReadonlyArray<[string, string]> = [
      ['https://id.example.com?tenant=1', 'must not contain a query or fragment'],
      ['https://id.example.com/#x', 'must not contain a query or fragment'],
      ['https://user:secret@id.example.com', 'must not contain a user name or password'],
      ['https://user@id.example.com', 'must not contain a user name or password'],
      ['http://id.example.com', 'must use https, because http is accepted only for localhost, 127.0.0.1 and [::1]'],
      ['http://10.0.0.1:8080', 'must use https, because http is accepted only for localhost, 127.0.0.1 and [::1]'],
      ['ftp://id.example.com', 'must be an absolute URL such as "https://id.example.com"'],
      ['id.example.com', 'must be an absolute URL such as "https://id.example.com"'],
      ['https:id.example.com', 'must be an absolute URL such as "https://id.example.com"'],
      ['https://', 'must be an absolute URL such as "https://id.example.com"'],
      ['https://id.example.com/a b', 'must not contain whitespace, control characters or backslashes'],
      ['https://id.example.com\\@evil.example', 'must not contain whitespace, control characters or backslashes'],
      ['https://id.example.com/a/../b', "must not contain '.' or '..' path segments"],
      ['https://id.example.com/a/%2e%2e/b', "must not contain '.' or '..' path segments"],
      [
        'https://id.example.com/.well-known/openid-configuration',
        'must be the issuer URL without the "/.well-known/openid-configuration" suffix',
      ],
    ];

    for (const [value, reason] of baseUrlCases) {
      it(`baseUrl rejects ${JSON.stringify(value)}`, () => {
        const error = catchProviderError(() => getOidcUrls({ baseUrl: value }, OIDCProvider.GENERIC));
        expect(error.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
        expect(error.fields).to.deep.equal(['baseUrl']);
        expect(error.message).to.equal(`Invalid field baseUrl for GENERIC: ${JSON.stringify(value)} ${reason}.`);
      });
    }

    it('non-string values are rejected', () => {
      const config = { domain: 'sso.example.com', realm: 42 } as unknown as ProviderFields;
      const error = catchProviderError(() => getOidcUrls(config, OIDCProvider.KEYCLOAK));
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
      expect(error.message).to.equal('Invalid field realm for KEYCLOAK: a value of type number must be a string.');
    });

    it('long values are not echoed', () => {
      const value = `${'a'.repeat(150)}/`;
      const error = catchProviderError(() => getOidcUrls({ tenant: value }, OIDCProvider.AZURE_AD));
      expect(error.message).to.not.include('a'.repeat(101));
      expect(error.message).to.include('a value of 151 characters');
    });

    it('values of 100 characters are echoed', () => {
      const value = `${'a'.repeat(99)}/`;
      const error = catchProviderError(() => getOidcUrls({ tenant: value }, OIDCProvider.AZURE_AD));
      expect(error.message).to.include(JSON.stringify(value));
    });
  });
});

describe('registerCustomProvider', () => {
  const registered: string[] = [];

  function register(name: string, template: string, fields: string[]): void {
    registerCustomProvider(name, template, fields);
    registered.push(name);
  }

  afterEach(() => {
    registered.splice(0).forEach((name) => unregisterCustomProvider(name));
  });

  it('custom domain template', () => {
    register('CustomProvider', 'https://{custom_domain}/.well-known/openid-configuration', ['custom_domain']);
    expect(getOidcUrls({ custom_domain: 'example.com' }, 'CustomProvider')).to.deep.equal([
      'https://example.com/.well-known/openid-configuration',
    ]);
  });

  it('host part and path placeholders', () => {
    register('ACME_SSO', 'https://{tenant}.sso.example.com/tenants/{tenantId}/.well-known/openid-configuration', [
      'tenant',
      'tenantId',
    ]);
    const urls = getOidcUrls(
      [
        { tenant: 'blue', tenantId: 't-1' },
        { tenant: 'green', tenantId: 't-2' },
      ],
      'ACME_SSO',
    );
    expect(urls).to.deep.equal([
      'https://blue.sso.example.com/tenants/t-1/.well-known/openid-configuration',
      'https://green.sso.example.com/tenants/t-2/.well-known/openid-configuration',
    ]);
  });

  it('leading base URL placeholder', () => {
    register('ISSUER_BASED', '{issuer}/.well-known/openid-configuration', ['issuer']);
    expect(getOidcUrls({ issuer: 'https://id.example.com/t/' }, 'ISSUER_BASED')).to.deep.equal([
      'https://id.example.com/t/.well-known/openid-configuration',
    ]);
  });

  it('fixed loopback http template', () => {
    register('LOCAL_DEV', 'http://127.0.0.1:8080/realms/{realm}/.well-known/openid-configuration', ['realm']);
    expect(getOidcUrls({ realm: 'dev' }, 'LOCAL_DEV')).to.deep.equal([
      'http://127.0.0.1:8080/realms/dev/.well-known/openid-configuration',
    ]);
  });

  it('template with a query', () => {
    const template =
      'https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/v2.0/.well-known/openid-configuration?p={policy}';
    register('B2C_QUERY', template, ['tenant', 'policy']);
    expect(getOidcUrls({ tenant: 'contoso', policy: 'B2C_1_signin' }, 'B2C_QUERY')).to.deep.equal([
      'https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_signin',
    ]);
  });

  it('no placeholders and no fields', () => {
    register('FIXED', 'https://id.example.com/.well-known/openid-configuration', []);
    expect(getOidcUrls({}, 'FIXED')).to.deep.equal(['https://id.example.com/.well-known/openid-configuration']);
  });

  it('registering again replaces the template', () => {
    register('REPLACED', 'https://one.example.com/.well-known/openid-configuration', []);
    register('REPLACED', 'https://two.example.com/.well-known/openid-configuration', []);
    expect(getOidcUrls({}, 'REPLACED')).to.deep.equal(['https://two.example.com/.well-known/openid-configuration']);
  });

  it('unregistered provider becomes unknown', () => {
    registerCustomProvider('TEMPORARY', 'https://id.example.com/.well-known/openid-configuration', []);
    expect(unregisterCustomProvider('TEMPORARY')).to.equal(true);
    expect(unregisterCustomProvider('TEMPORARY')).to.equal(false);
    expect(catchProviderError(() => getOidcUrls({}, 'TEMPORARY')).code).to.equal('ERR_UNKNOWN_PROVIDER');
  });

  it('custom values get the same checks', () => {
    register('CHECKED', 'https://{domain}/{realm}/.well-known/openid-configuration', ['domain', 'realm']);

    const badDomain = catchProviderError(() => getOidcUrls({ domain: 'evil.example/x#', realm: 'a' }, 'CHECKED'));
    expect(badDomain.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
    expect(badDomain.message).to.include('Invalid field domain for CHECKED: "evil.example/x#" must be a host name');

    const badRealm = catchProviderError(() => getOidcUrls({ domain: 'sso.example.com', realm: '../x' }, 'CHECKED'));
    expect(badRealm.code).to.equal('ERR_INVALID_PROVIDER_FIELD');
    expect(badRealm.fields).to.deep.equal(['realm']);

    const missing = catchProviderError(() => getOidcUrls({ domain: 'sso.example.com' }, 'CHECKED'));
    expect(missing.message).to.equal('Missing required fields realm for CHECKED.');
  });

  it('custom host part placeholder takes host rules', () => {
    register('HOST_PART', 'https://{tenant}.sso.example.com/.well-known/openid-configuration', ['tenant']);
    for (const value of ['evil.example/x', 'evil.example#', 'a@evil.example', 'a:443']) {
      const error = catchProviderError(() => getOidcUrls({ tenant: value }, 'HOST_PART'));
      expect(error.code, value).to.equal('ERR_INVALID_PROVIDER_FIELD');
    }
  });

  it('custom base URL placeholder takes base URL rules', () => {
    register('BASE_RULES', '{issuer}/.well-known/openid-configuration', ['issuer']);
    for (const value of ['http://id.example.com', 'https://id.example.com?x', 'https://u:p@id.example.com']) {
      const error = catchProviderError(() => getOidcUrls({ issuer: value }, 'BASE_RULES'));
      expect(error.code, value).to.equal('ERR_INVALID_PROVIDER_FIELD');
    }
  });

  it('custom provider ignores the variant field', () => {
    register('NO_VARIANTS', 'https://id.example.com/.well-known/openid-configuration', []);
    expect(getOidcUrls({ variant: 'legacy' }, 'NO_VARIANTS')).to.deep.equal([
      'https://id.example.com/.well-known/openid-configuration',
    ]);
  });

  describe('rejected names', () => {
    for (const name of ['OKTA', 'KEYCLOAK', 'okta', 'Generic']) {
      it(`built-in name ${name}`, () => {
        const error = catchProviderError(() =>
          registerCustomProvider(name, 'https://id.example.com/.well-known/openid-configuration', []),
        );
        expect(error.code).to.equal('ERR_INVALID_PROVIDER_NAME');
        expect(error.message).to.equal(
          `Invalid provider name '${name}': it is the name of a built-in provider, which cannot be replaced. ` +
            'Choose another name.',
        );
      });
    }

    it('built-in stays unchanged after a rejected override', () => {
      const template = 'https://evil.example/.well-known/openid-configuration';
      catchProviderError(() => registerCustomProvider('OKTA', template, []));
      expect(urlFor({ domain: 'example.okta.com' }, OIDCProvider.OKTA)).to.equal(
        'https://example.okta.com/oauth2/default/.well-known/openid-configuration',
      );
    });

    for (const name of ['', ' ', ' PADDED']) {
      it(`blank or padded name ${JSON.stringify(name)}`, () => {
        const error = catchProviderError(() =>
          registerCustomProvider(name, 'https://id.example.com/.well-known/openid-configuration', []),
        );
        expect(error.code).to.equal('ERR_INVALID_PROVIDER_NAME');
        expect(error.message).to.equal(
          `Invalid provider name ${JSON.stringify(name)}: ` +
            'use a non-empty string without leading or trailing whitespace.',
        );
      });
    }
  });

  describe('rejected templates', () => {
    const cases: ReadonlyArray<[string, string, string[], string]> = [
      [
        'http on a public host',
        'http://id.example.com/.well-known/openid-configuration',
        [],
        'http is accepted only with a fixed host of localhost, 127.0.0.1 or [::1]',
      ],
      [
        'http with a host placeholder',
        'http://{domain}/.well-known/openid-configuration',
        ['domain'],
        'http is accepted only with a fixed host of localhost, 127.0.0.1 or [::1]',
      ],
      [
        'relative template',
        '/.well-known/openid-configuration',
        [],
        'it must start with "https://" ("http://" only for a loopback host) or with a base URL placeholder such as ' +
          '{baseUrl}, and must have a path',
      ],
      [
        'other scheme',
        'ftp://id.example.com/.well-known/openid-configuration',
        [],
        'it must start with "https://" ("http://" only for a loopback host) or with a base URL placeholder such as ' +
          '{baseUrl}, and must have a path',
      ],
      [
        'no discovery path',
        'https://id.example.com/oauth2/{tenant}',
        ['tenant'],
        'its path must contain "/.well-known/openid-configuration"',
      ],
      [
        'discovery path only in the query',
        'https://id.example.com/x?next=/.well-known/openid-configuration',
        [],
        'its path must contain "/.well-known/openid-configuration"',
      ],
      [
        'unlisted placeholder',
        'https://{domain}/realms/{realm}/.well-known/openid-configuration',
        ['domain'],
        'these placeholders are not listed in requiredFields: {realm}',
      ],
      [
        'unused required field',
        'https://{domain}/.well-known/openid-configuration',
        ['domain', 'realm'],
        'requiredFields lists fields that the template does not use: realm',
      ],
      [
        'fragment',
        'https://id.example.com/.well-known/openid-configuration#{x}',
        ['x'],
        'it must not contain whitespace, control characters, backslashes or "#"',
      ],
      [
        'whitespace',
        'https://id.example.com/ x/.well-known/openid-configuration',
        [],
        'it must not contain whitespace, control characters, backslashes or "#"',
      ],
      [
        'unmatched brace',
        'https://{domain/.well-known/openid-configuration',
        ['domain'],
        'it contains an unmatched "{" or "}"',
      ],
      [
        'bad placeholder name',
        'https://id.example.com/{1st}/.well-known/openid-configuration',
        ['1st'],
        'placeholder {1st} is not a valid field name. Use letters, digits and "_", and do not start with a digit',
      ],
      [
        'user info in the host part',
        'https://user@{domain}/.well-known/openid-configuration',
        ['domain'],
        'its host part must be a host name or placeholder, without user info',
      ],
      [
        'empty host part',
        'https:///.well-known/openid-configuration',
        [],
        'its host part must be a host name or placeholder, without user info',
      ],
      [
        'base URL placeholder used twice',
        '{issuer}/{issuer}/.well-known/openid-configuration',
        ['issuer'],
        'the base URL placeholder {issuer} must not appear twice',
      ],
      [
        'base URL placeholder without a slash',
        '{issuer}.well-known/openid-configuration',
        ['issuer'],
        'a leading base URL placeholder must be followed by "/"',
      ],
      [
        'path the parser rewrites',
        'https://id.example.com/a/%2e%2e/.well-known/openid-configuration',
        [],
        'it does not form a URL that keeps its host and path as written',
      ],
      ['empty template', '', [], 'it must be a non-empty string'],
    ];

    for (const [title, template, fields, reason] of cases) {
      it(title, () => {
        const error = catchProviderError(() => registerCustomProvider('BAD_TEMPLATE', template, fields));
        expect(error.code).to.equal('ERR_INVALID_PROVIDER_TEMPLATE');
        expect(error.message).to.equal(`Invalid URL template for provider BAD_TEMPLATE: ${reason}.`);
        expect(catchProviderError(() => getOidcUrls({}, 'BAD_TEMPLATE')).code).to.equal('ERR_UNKNOWN_PROVIDER');
      });
    }

    it('required fields must be strings', () => {
      const fields = [1] as unknown as string[];
      const error = catchProviderError(() =>
        registerCustomProvider('BAD_FIELDS', 'https://id.example.com/.well-known/openid-configuration', fields),
      );
      expect(error.code).to.equal('ERR_INVALID_PROVIDER_TEMPLATE');
      expect(error.message).to.equal(
        'Invalid URL template for provider BAD_FIELDS: requiredFields must be an array of field names.',
      );
    });

    it('trailing slash after the discovery path', () => {
      register('TRAILING', 'https://id.example.com/.well-known/openid-configuration/', []);
      expect(getOidcUrls({}, 'TRAILING')).to.deep.equal(['https://id.example.com/.well-known/openid-configuration/']);
    });
  });
});

describe('ProviderConfigurationError', () => {
  it('is an Error with a name', () => {
    const error = catchProviderError(() => getOidcUrls({}, 'NOPE'));
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('ProviderConfigurationError');
    expect(error.fields).to.deep.equal([]);
  });
});
