import { expect } from 'chai';
import { SignJWT } from 'jose';
import { Container } from 'typedi';

import { configureOidcAuth, OIDC_LOGGER, type ProviderOptions } from '../src/index.js';
import { CountingLogger } from './support/counting-logger.js';
import { get } from './support/http.js';
import { startPresetApp } from './support/preset-controller.js';
import { configurationError as resolveError } from './support/unit/configuration-error.js';
import { ProviderDouble, readFixture } from './support/provider-double.js';
import type { RunningApp } from './support/test-apps.js';

const TENANT_A = '00000000-0000-0000-0000-00000000000a';
const TENANT_B = '00000000-0000-0000-0000-00000000000b';
const FIXTURE_TENANT = '00000000-0000-0000-0000-000000000000';
const AZURE_CLIENT = '00000000-0000-0000-0000-000000000000';

// Each provider's tokens come from a loopback double at the provider's own issuer path, signed over
// the payloads in test/fixtures/claims, so that claim names, nesting and types are the provider's.
describe('provider presets', function () {
  let double: ProviderDouble;
  let app: RunningApp;

  before(async function () {
    double = await ProviderDouble.start();
    // Before the app is built, as an application does, so that repeated @Authorized are merged.
    configure('', { audiences: ['api://example'] });
    app = await startPresetApp();
  });

  after(async function () {
    await app.close();
    await double.close();
    Container.reset();
  });

  beforeEach(function () {
    double.declared.clear();
    double.keyIssuer = undefined;
    Container.set(OIDC_LOGGER, new CountingLogger());
  });

  /** Configures one provider whose discovery document is at `path` on the double. */
  function configure(path: string, provider: Partial<ProviderOptions> & Pick<ProviderOptions, 'audiences'>): void {
    configureOidcAuth({ providers: [{ oidcUrls: [double.discoveryUrl(path)], ...provider }], tokenTtl: 0, keyRefetchCooldown: 0 });
  }

  /** Returns the ConfigurationError that one provider's options raise. */
  function configurationError(provider: Partial<ProviderOptions>): ReturnType<typeof resolveError> {
    return resolveError({ providers: [provider] });
  }

  async function status(route: string, token: string): Promise<number> {
    return (await get(`${app.baseUrl}/presets${route}`, { token })).status;
  }


  describe('OKTA', function () {
    beforeEach(() => configure('/oauth2/default', { preset: 'OKTA', audiences: ['api://default'] }));

    it('reads roles from groups', async function () {
      const token = await double.sign('okta');

      expect(await status('/okta/admins', token)).to.equal(200);
      expect(await status('/admin', token)).to.equal(403);
    });

    it('rejects a token without the group', async function () {
      expect(await status('/okta/admins', await double.sign('okta', { groups: ['Everyone'] }))).to.equal(403);
    });

    it('reads scopes from the scp array', async function () {
      expect(await status('/scp/orders-colon-read', await double.sign('okta'))).to.equal(200);
    });

    it('rejects an org authorization server token', async function () {
      const token = await double.sign('okta_org_as', { aud: double.origin });

      expect(await status('/me', token)).to.equal(401);
      expect(double.requests.filter((path) => path === '/.well-known/openid-configuration')).to.have.length(0);
    });

    it('rejects an org authorization server URL at configuration', function () {
      const error = configurationError({ preset: 'OKTA', oidcUrls: [double.discoveryUrl('')], audiences: ['api://default'] });

      expect(error.message).to.include("org authorization server");
      expect(error.option).to.equal('providers[0].oidcUrls');
    });
  });

  describe('DUO', function () {
    it('rejects a Universal Prompt ID token signed with HS512', async function () {
      configure('/oauth/v1/token', { preset: 'DUO', audiences: ['DI000000000000000000'] });
      const claims = { ...readFixture('duo'), iss: `${double.origin}/oauth/v1/token`, iat: now(), exp: now() + 300 };
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).sign(new TextEncoder().encode('client-secret-0123456789abcdef0123456789'));
      const keyRequests = double.jwksRequests();

      expect(await status('/me', token)).to.equal(401);
      expect(double.jwksRequests()).to.equal(keyRequests);
    });

    it('reads roles from groups of a Single Sign-On token', async function () {
      configure('/oidc/DI000000000000000000', { preset: 'DUO', audiences: ['DI000000000000000000'] });
      const claims = { iss: `${double.origin}/oidc/DI000000000000000000`, aud: 'DI000000000000000000', sub: 'jane.doe', groups: ['admin'] };

      expect(await status('/admin', await double.signPayload({ ...claims, iat: now(), exp: now() + 300 }))).to.equal(200);
    });
  });

  describe('ONELOGIN', function () {
    beforeEach(() => configure('/oidc/2', { preset: 'ONELOGIN', audiences: ['00000000-0000-0000-0000-000000000000000000'] }));

    it('accepts a token whose audience is the client id', async function () {
      expect(await status('/me', await double.sign('onelogin', { sub: 'jane.doe' }))).to.equal(200);
    });

    it('grants no role to a token without groups', async function () {
      expect(await status('/admin', await double.sign('onelogin', { sub: 'jane.doe' }))).to.equal(403);
    });
  });

  describe('AZURE_AD', function () {
    describe('one tenant, v2', function () {
      beforeEach(() => configure(`/${FIXTURE_TENANT}/v2.0`, { preset: 'AZURE_AD', audiences: [AZURE_CLIENT] }));

      it('reads app roles from roles', async function () {
        expect(await status('/azure/admin', await double.sign('azure_ad_v2'))).to.equal(200);
      });

      it('reads delegated scopes from the space-delimited scp', async function () {
        expect(await status('/scp/orders-read', await double.sign('azure_ad_v2'))).to.equal(200);
      });

      it('grants an app-only token its roles and no scopes', async function () {
        const token = await double.sign('azure_ad_v2_app_only', {}, 'azure_ad_v2');

        expect(await status('/me', token)).to.equal(200);
        expect(await status('/azure/admin', token)).to.equal(403);
        expect(await status('/scp/orders-read', token)).to.equal(403);
      });

      it('rejects a v1 token', async function () {
        const token = await double.sign('azure_ad_v1', { iss: `${double.origin}/${FIXTURE_TENANT}/`, aud: AZURE_CLIENT });

        expect(await status('/me', token)).to.equal(401);
      });
    });

    describe('one tenant, v1', function () {
      // The v1 document declares https://sts.windows.net/{tid}/; here localhost stands for that host.
      const stsIssuer = (): string => `${double.origin.replace('127.0.0.1', 'localhost')}/${FIXTURE_TENANT}/`;

      beforeEach(function () {
        double.declared.set(`/${FIXTURE_TENANT}`, stsIssuer());
        configure(`/${FIXTURE_TENANT}`, { preset: 'AZURE_AD', audiences: ['api://00000000-0000-0000-0000-000000000000'], issuer: stsIssuer() });
      });

      it('accepts a v1 token with the configured issuer', async function () {
        expect(await status('/me', await double.sign('azure_ad_v1', { iss: stsIssuer() }))).to.equal(200);
      });

      it('rejects a v2 token', async function () {
        const token = await double.sign('azure_ad_v2', { iss: `${double.origin}/${FIXTURE_TENANT}/v2.0`, aud: 'api://00000000-0000-0000-0000-000000000000' });

        expect(await status('/me', token)).to.equal(401);
      });
    });

    describe('every tenant, from organizations', function () {
      const issuerOf = (tenant: string): string => `${double.origin}/${tenant}/v2.0`;
      const tokenOf = (tenant: string, tid: unknown = tenant): Promise<string> => double.sign('azure_ad_v2', { iss: issuerOf(tenant), tid });
      const tokenWithoutTid = (tenant: string): Promise<string> => double.sign('azure_ad_v2', { iss: issuerOf(tenant), tid: undefined });

      beforeEach(() => double.declared.set('/organizations/v2.0', `${double.origin}/{tenantid}/v2.0`));

      it('accepts a tenant on the allowlist', async function () {
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], tenants: [TENANT_A] });

        expect(await status('/azure/admin', await tokenOf(TENANT_A))).to.equal(200);
      });

      it('rejects a tenant off the allowlist', async function () {
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], tenants: [TENANT_A] });

        expect(await status('/me', await tokenOf(TENANT_B))).to.equal(401);
      });

      it('rejects a token without tid', async function () {
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], tenants: [TENANT_A] });

        expect(await status('/me', await tokenWithoutTid(TENANT_A))).to.equal(401);
      });

      for (const [name, tid] of [
        ['of another tenant', TENANT_B],
        ['in upper case of another tenant', TENANT_B.toUpperCase()],
      ] as const) {
        it(`rejects tid ${name}`, async function () {
          configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], tenants: [TENANT_A, TENANT_B] });

          expect(await status('/me', await tokenOf(TENANT_A, tid))).to.equal(401);
        });
      }

      it('rejects an iss whose tenant is not an ID', async function () {
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], allowAnyTenant: true });

        expect(await status('/me', await double.sign('azure_ad_v2', { iss: issuerOf('contoso.onmicrosoft.com'), tid: TENANT_A }))).to.equal(401);
      });

      it('accepts any tenant with allowAnyTenant', async function () {
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], allowAnyTenant: true });

        expect(await status('/me', await tokenOf(TENANT_B))).to.equal(200);
      });

      it("rejects a token signed with another tenant's key", async function () {
        double.keyIssuer = issuerOf(TENANT_A);
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], allowAnyTenant: true });

        expect(await status('/me', await tokenOf(TENANT_A))).to.equal(200);
        expect(await status('/me', await tokenOf(TENANT_B))).to.equal(401);
      });

      it('accepts every tenant with a key whose issuer is the template', async function () {
        double.keyIssuer = `${double.origin}/{tenantid}/v2.0`;
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], allowAnyTenant: true });

        expect(await status('/me', await tokenOf(TENANT_B))).to.equal(200);
      });

      it('rejects a v1 issuer', async function () {
        configure('/organizations/v2.0', { preset: 'AZURE_AD', audiences: [AZURE_CLIENT], allowAnyTenant: true });

        expect(await status('/me', await double.sign('azure_ad_v2', { iss: `${double.origin}/${TENANT_A}/`, tid: TENANT_A }))).to.equal(401);
      });

      it('rejects every tenant without tenants or allowAnyTenant', async function () {
        configure('/organizations/v2.0', { audiences: [AZURE_CLIENT] });

        expect(await status('/me', await tokenOf(TENANT_A))).to.equal(401);
      });

      it('needs tenants or allowAnyTenant at configuration', function () {
        const oidcUrls = ['https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration'];
        const error = configurationError({ preset: 'AZURE_AD', oidcUrls, audiences: [AZURE_CLIENT] });

        expect(error.message).to.include("set 'tenants'");
        expect(error.message).to.include("'common'");
      });

      it('rejects tenants together with allowAnyTenant', function () {
        const error = configurationError({ oidcUrls: [double.discoveryUrl('/organizations/v2.0')], audiences: [AZURE_CLIENT], tenants: [TENANT_A], allowAnyTenant: true });

        expect(error.option).to.equal('providers[0].tenants');
      });

      it('rejects a tenant name in tenants', function () {
        const error = configurationError({ oidcUrls: [double.discoveryUrl('/organizations/v2.0')], audiences: [AZURE_CLIENT], tenants: ['contoso.onmicrosoft.com'] });

        expect(error.message).to.include('tenant ID (a GUID)');
      });
    });
  });

  describe('AZURE_AD_B2C', function () {
    const policyPath = '/example.onmicrosoft.com/B2C_1_signupsignin1/v2.0';

    beforeEach(() => double.declared.set(policyPath, `${double.origin}/${FIXTURE_TENANT}/v2.0/`));

    it('accepts the issuer B2C declares under the tenant ID', async function () {
      configure(policyPath, { preset: 'AZURE_AD_B2C', audiences: [AZURE_CLIENT] });

      expect(await status('/scp/orders-read', await double.sign('azure_ad_b2c'))).to.equal(200);
    });

    it('rejects that issuer without the preset on a host other than b2clogin.com', async function () {
      configure(policyPath, { audiences: [AZURE_CLIENT] });

      expect(await status('/me', await double.sign('azure_ad_b2c'))).to.equal(401);
    });
  });

  describe('GOOGLE', function () {
    const audience = '000000000000-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.apps.googleusercontent.com';

    it('accepts iss with and without https://', async function () {
      configure('', { preset: 'GOOGLE', audiences: [audience] });

      expect(await status('/me', await double.sign('google'))).to.equal(200);
      expect(await status('/me', await double.sign('google', { iss: double.origin.replace('http://', '') }))).to.equal(200);
    });

    it('rejects iss without scheme without the preset', async function () {
      configure('', { audiences: [audience] });

      expect(await status('/me', await double.sign('google', { iss: double.origin.replace('http://', '') }))).to.equal(401);
    });

    it('restricts the Workspace domain and verified emails with requiredClaims', async function () {
      configure('', { preset: 'GOOGLE', audiences: [audience], requiredClaims: { hd: 'example.com', email_verified: true } });

      expect(await status('/me', await double.sign('google'))).to.equal(200);
      expect(await status('/me', await double.sign('google', { email_verified: false }))).to.equal(401);
      expect(await status('/me', await double.sign('google', { hd: 'other.example' }))).to.equal(401);
      expect(await status('/me', await double.sign('google', { hd: undefined }))).to.equal(401);
    });
  });

  describe('FACEBOOK', function () {
    beforeEach(() => configure('', { preset: 'FACEBOOK', audiences: ['000000000000000'] }));

    it('accepts a Limited Login token for the app', async function () {
      expect(await status('/me', await double.sign('facebook'))).to.equal(200);
    });

    it('rejects a token for another app', async function () {
      expect(await status('/me', await double.sign('facebook', { aud: '111111111111111' }))).to.equal(401);
    });
  });

  describe('GENERIC', function () {
    it('reads roles from roles', async function () {
      configure('/tenant', { preset: 'GENERIC', audiences: ['api://generic'] });
      const claims = { iss: `${double.origin}/tenant`, aud: 'api://generic', sub: 'jane.doe', roles: ['admin'], iat: now(), exp: now() + 300 };

      expect(await status('/admin', await double.signPayload(claims))).to.equal(200);
    });
  });

  describe('AMAZON_COGNITO', function () {
    const clientId = '00000000000000000000000000';

    beforeEach(() => configure('/us-east-1_EXAMPLE00', { preset: 'AMAZON_COGNITO', audiences: [clientId] }));

    it('accepts an access token by client_id and reads cognito:groups', async function () {
      const token = await double.sign('amazon_cognito_access', {}, 'amazon_cognito');

      expect(await status('/cognito/admins', token)).to.equal(200);
      expect(await status('/scope/orders-read', token)).to.equal(200);
    });

    it('rejects an ID token', async function () {
      expect(await status('/me', await double.sign('amazon_cognito_id', {}, 'amazon_cognito'))).to.equal(401);
    });

    for (const [name, overrides] of [
      ['another client_id', { client_id: 'another-client' }],
      ['no token_use', { token_use: undefined }],
      ['aud in place of client_id', { client_id: undefined, aud: clientId }],
    ] as const) {
      it(`rejects an access token with ${name}`, async function () {
        expect(await status('/me', await double.sign('amazon_cognito_access', overrides, 'amazon_cognito'))).to.equal(401);
      });
    }

    it('accepts an ID token by aud where requiredClaims allow ID tokens', async function () {
      configure('/us-east-1_EXAMPLE00', { preset: 'AMAZON_COGNITO', audiences: [clientId], requiredClaims: { token_use: ['access', 'id'] } });

      expect(await status('/cognito/admins', await double.sign('amazon_cognito_id', {}, 'amazon_cognito'))).to.equal(200);
      expect(await status('/me', await double.sign('amazon_cognito_id', { aud: 'another-client' }, 'amazon_cognito'))).to.equal(401);
    });

    it('rejects an access token without the preset, as it has no aud', async function () {
      configure('/us-east-1_EXAMPLE00', { audiences: [clientId] });

      expect(await status('/me', await double.sign('amazon_cognito_access', {}, 'amazon_cognito'))).to.equal(401);
    });
  });

  describe('AUTH0', function () {
    beforeEach(function () {
      double.declared.set('', `${double.origin}/`);
      configure('', { preset: 'AUTH0', audiences: ['https://api.example.com'] });
    });

    it('accepts aud as an array and reads permissions', async function () {
      expect(await status('/auth0/write', await double.sign('auth0'))).to.equal(200);
    });

    it('reads a namespaced roles claim a route names', async function () {
      expect(await status('/auth0/admin', await double.sign('auth0'))).to.equal(200);
    });

    it('limits a machine-to-machine token to its permissions', async function () {
      const token = await double.sign('auth0_m2m', {}, 'auth0');

      expect(await status('/me', token)).to.equal(200);
      expect(await status('/auth0/write', token)).to.equal(403);
    });

    it('accepts the RFC 9068 profile', async function () {
      expect(await status('/me', await double.sign('auth0_rfc9068'))).to.equal(200);
    });
  });

  describe('PING_IDENTITY', function () {
    const envPath = `/${FIXTURE_TENANT}/as`;

    it('accepts a PingOne token and reads p1.region as one claim name', async function () {
      configure(envPath, { preset: 'PING_IDENTITY', audiences: ['https://api.example.com'] });
      const token = await double.sign('ping_identity_pingone');

      expect(await status('/ping/region', token)).to.equal(200);
      expect(await status('/scope/orders-read', token)).to.equal(200);
    });

    it('reads a PingFederate scope array', async function () {
      configure('', { preset: 'PING_IDENTITY', audiences: ['https://api.example.com'] });
      const token = await double.sign('ping_identity_pingfederate', { iat: now() });

      expect(await status('/scope/orders-read', token)).to.equal(200);
    });
  });

  describe('IBM_SECURITY_VERIFY', function () {
    it('reads roles from groupIds', async function () {
      configure('/oidc/endpoint/default', { preset: 'IBM_SECURITY_VERIFY', audiences: ['00000000-0000-0000-0000-000000000000'] });

      expect(await status('/admin', await double.sign('ibm_security_verify'))).to.equal(200);
    });
  });

  describe('SALESFORCE', function () {
    beforeEach(() => configure('', { preset: 'SALESFORCE', audiences: ['https://example.my.salesforce.com'] }));

    it('accepts aud as an array and reads scp', async function () {
      expect(await status('/scp/api', await double.sign('salesforce'))).to.equal(200);
    });

    it('grants no role from an empty roles array', async function () {
      expect(await status('/admin', await double.sign('salesforce'))).to.equal(403);
    });
  });

  describe('KEYCLOAK', function () {
    it('reads realm roles and client roles', async function () {
      configure('/realms/example', { preset: 'KEYCLOAK', audiences: ['account'] });
      const token = await double.sign('keycloak');

      expect(await status('/admin', token)).to.equal(200);
      expect(await status('/keycloak/orders', token)).to.equal(200);
    });

    it('reads the legacy /auth layout', async function () {
      configure('/auth/realms/example', { preset: 'KEYCLOAK', audiences: ['example-api'] });
      const token = await double.sign('keycloak_legacy_auth_prefix', {}, 'keycloak');

      expect(await status('/keycloak/orders', token)).to.equal(200);
      expect(await status('/admin', token)).to.equal(403);
    });

    describe('reached on an internal host name', function () {
      // The document declares the host it was fetched on; tokens carry the public host name.
      const publicIssuer = (): string => `${double.origin.replace('127.0.0.1', 'localhost')}/realms/example`;

      it('accepts tokens with tokenIssuer', async function () {
        configure('/realms/example', { preset: 'KEYCLOAK', audiences: ['account'], tokenIssuer: publicIssuer() });

        expect(await status('/admin', await double.sign('keycloak', { iss: publicIssuer() }))).to.equal(200);
      });

      it('rejects the internal issuer with tokenIssuer', async function () {
        configure('/realms/example', { preset: 'KEYCLOAK', audiences: ['account'], tokenIssuer: publicIssuer() });

        expect(await status('/me', await double.sign('keycloak'))).to.equal(401);
      });

      it('rejects the public issuer without tokenIssuer', async function () {
        configure('/realms/example', { preset: 'KEYCLOAK', audiences: ['account'] });

        expect(await status('/me', await double.sign('keycloak', { iss: publicIssuer() }))).to.equal(401);
      });
    });
  });

  describe('GITHUB', function () {
    beforeEach(function () {
      const requiredClaims = { repository_owner: 'example-org' };
      configure('', { preset: 'GITHUB', audiences: ['https://github.com/example-org'], requiredClaims });
    });

    it('accepts a workflow of the required owner and checks repository, ref and environment', async function () {
      expect(await status('/github/deploy', await double.sign('github_actions'))).to.equal(200);
    });

    it('rejects another owner with the same audience', async function () {
      expect(await status('/me', await double.sign('github_actions', { repository_owner: 'other-org', repository: 'other-org/app' }))).to.equal(401);
    });

    for (const [claim, value] of [
      ['environment', 'staging'],
      ['ref', 'refs/heads/feature'],
      ['repository', 'example-org/other-repo'],
    ] as const) {
      it(`rejects the deploy route for ${claim} ${value}`, async function () {
        expect(await status('/github/deploy', await double.sign('github_actions', { [claim]: value }))).to.equal(403);
      });
    }
  });
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}
