import { expect } from 'chai';

import type { ProviderOptions } from '../src/adapters/options.js';
import { configurationError } from './support/unit/configuration-error.js';
import { resolveOptions, type ResolvedProvider } from '../src/adapters/resolve-options.js';

const DISCOVERY_URL = 'https://id.example.com/.well-known/openid-configuration';
const B2C_URL = 'https://b2c.example.com/example.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration';

function resolveOne(provider: Partial<ProviderOptions>): ResolvedProvider {
  return resolveOptions({ providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['api://example'], ...provider }] }).providers[0];
}

describe('resolveProviders', function () {
  describe('presets', function () {
    it('gives the preset roles claim', function () {
      expect(resolveOne({ preset: 'AMAZON_COGNITO' }).rolesKey).to.equal('cognito:groups');
    });

    it('lets the provider rolesKey win over the preset', function () {
      expect(resolveOne({ preset: 'KEYCLOAK', rolesKey: 'groups' }).rolesKey).to.equal('groups');
    });

    it('lets the top-level rolesKey of a single provider win over the preset', function () {
      const resolved = resolveOptions({ oidcUrls: [DISCOVERY_URL], audiences: ['api://example'], preset: 'KEYCLOAK', rolesKey: 'groups' });

      expect(resolved.providers[0].rolesKey).to.equal('groups');
    });

    it('gives Amazon Cognito its audience claim and token_use', function () {
      expect(resolveOne({ preset: 'AMAZON_COGNITO' }).rules).to.deep.equal({ audienceClaim: 'client_id', requiredClaims: { token_use: ['access'] }, tenants: undefined });
    });

    it('lets a required claim replace the preset one of the same name', function () {
      const { rules } = resolveOne({ preset: 'AMAZON_COGNITO', requiredClaims: { token_use: ['access', 'id'], username: 'jane' } });

      expect(rules.requiredClaims).to.deep.equal({ token_use: ['access', 'id'], username: ['jane'] });
    });

    it('gives Azure AD B2C the same-origin rule on any host', function () {
      const resolved = resolveOptions({ providers: [{ oidcUrls: [B2C_URL], audiences: ['app'], preset: 'AZURE_AD_B2C' }] });

      expect(resolved.providers[0].sameOriginIssuer).to.equal(true);
    });

    it('lets sameOriginIssuer false win over the B2C preset', function () {
      const resolved = resolveOptions({ providers: [{ oidcUrls: [B2C_URL], audiences: ['app'], preset: 'AZURE_AD_B2C', sameOriginIssuer: false }] });

      expect(resolved.providers[0].sameOriginIssuer).to.equal(false);
    });

    it('gives Google the issuer without scheme', function () {
      expect(resolveOne({ preset: 'GOOGLE' }).schemelessIssuer).to.equal(true);
    });

    it('rejects an unknown preset by name', function () {
      const error = configurationError({ providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['a'], preset: 'OKTA_ORG' }] });

      expect(error.option).to.equal('providers[0].preset');
      expect(error.message).to.include('must be one of OKTA');
    });
  });

  describe('claim options', function () {
    it('stores tenants in lower case', function () {
      const tenant = 'AAAAAAAA-0000-0000-0000-000000000000';

      expect([...(resolveOne({ tenants: [tenant] }).rules.tenants ?? [])]).to.deep.equal([tenant.toLowerCase()]);
    });

    it('rejects tenants given as one string', function () {
      const error = configurationError({ providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['a'], tenants: '00000000-0000-0000-0000-000000000000' }] });

      expect(error.message).to.equal("Invalid option 'providers[0].tenants': it must be a non-empty list of tenant IDs.");
    });

    it('rejects algorithms given as one string', function () {
      expect(configurationError({ oidcUrls: [DISCOVERY_URL], audiences: ['a'], algorithms: 'RS256' }).message).to.equal(
        "Invalid option 'algorithms': it must be a non-empty list of algorithm names.",
      );
    });

    for (const option of ['tenants', 'allowAnyTenant'] as const) {
      it(`rejects ${option} with a preset other than Azure AD`, function () {
        const value = option === 'tenants' ? ['00000000-0000-0000-0000-000000000000'] : true;
        const error = configurationError({ providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['a'], preset: 'KEYCLOAK', [option]: value }] });

        expect(error.option).to.equal(`providers[0].${option}`);
        expect(error.message).to.include('applies to Azure AD');
      });
    }

    it('marks a provider with tenants as multi-tenant', function () {
      expect(resolveOne({ tenants: ['00000000-0000-0000-0000-000000000000'] }).multiTenant).to.equal(true);
    });

    for (const [name, value] of [
      ['an empty list', []],
      ['an object', { value: 'prod' }],
      ['an empty string', ''],
      ['null', null],
      ['a list with an object', ['a', {}]],
      ['an infinite number', Infinity],
    ] as const) {
      it(`rejects a required claim given as ${name}`, function () {
        const error = configurationError({ providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['a'], requiredClaims: { environment: value } }] });

        expect(error.message).to.equal(
          "Invalid option 'providers[0].requiredClaims.environment': it must be a non-empty string, a finite number or a boolean, or a non-empty list of them.",
        );
      });
    }

    it('accepts booleans and numbers as required values', function () {
      const { rules } = resolveOne({ requiredClaims: { email_verified: true, ver: [1, 2] } });

      expect(rules.requiredClaims).to.deep.equal({ email_verified: [true], ver: [1, 2] });
    });

    it('rejects requiredClaims that is not an object', function () {
      expect(configurationError({ ...{ oidcUrls: [DISCOVERY_URL], audiences: ['a'] }, requiredClaims: 'environment' }).option).to.equal('requiredClaims');
    });

    it('accepts a discovery URL without the well-known path with tokenIssuer', function () {
      const resolved = resolveOptions({ oidcUrls: ['https://id.example.com/metadata.json'], audiences: ['a'], tokenIssuer: 'https://id.example.com' });

      expect(resolved.providers[0].tokenIssuer).to.equal('https://id.example.com');
    });
  });

  describe('with providers', function () {
    for (const option of ['preset', 'requiredClaims', 'tenants', 'allowAnyTenant', 'tokenIssuer', 'issuer', 'sameOriginIssuer'] as const) {
      it(`rejects a top-level ${option}`, function () {
        const values = { preset: 'OKTA', requiredClaims: {}, tenants: ['00000000-0000-0000-0000-000000000000'], allowAnyTenant: true, tokenIssuer: 'https://a', issuer: 'https://a', sameOriginIssuer: true };
        const error = configurationError({ providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['a'] }], [option]: values[option] });

        expect(error.option).to.equal(option);
        expect(error.message).to.include('inside each provider');
      });
    }
  });
});
