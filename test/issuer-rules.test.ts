import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { DocumentLoadError } from '../src/discovery/fetch-json.js';
import {
  issuerPrefix,
  IssuerMismatchError,
  judgeDiscoveredIssuer,
  mayIssue,
  type IssuerExpectation,
} from '../src/discovery/issuer-rules.js';
import { errorThrownBy } from './support/unit/rejection.js';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'discovery');

function declaredIssuer(fixture: string): string {
  const document = JSON.parse(readFileSync(join(FIXTURES, `${fixture}.json`), 'utf8')) as { issuer: string };
  return document.issuer;
}

const KEYCLOAK_INTERNAL_URL = 'http://keycloak.internal:8080/realms/staff/.well-known/openid-configuration';
const KEYCLOAK_PUBLIC_ISSUER = 'https://sso.example.com/realms/staff';
const GOOGLE_URL = 'https://accounts.google.com/.well-known/openid-configuration';

function byDiscoveryUrl(discoveryUrl: string, rule: Partial<IssuerExpectation> = {}): IssuerExpectation {
  return { discoveryUrl, sameOriginIssuer: false, ...rule };
}

function mismatchOf(expectation: IssuerExpectation, declared: unknown): IssuerMismatchError {
  const error = errorThrownBy(() => judgeDiscoveredIssuer(expectation, declared));
  expect(error).to.be.instanceOf(IssuerMismatchError);
  return error as IssuerMismatchError;
}

const AZURE_V1_COMMON_URL = 'https://login.microsoftonline.com/common/.well-known/openid-configuration';
const B2C_POLICY_URL =
  'https://contosob2ctest.b2clogin.com/contosob2ctest.onmicrosoft.com/b2c_1a_signin_test/v2.0/.well-known/openid-configuration';

describe('issuerPrefix', () => {
  it('strips well-known path', () => {
    expect(issuerPrefix('https://accounts.google.com/.well-known/openid-configuration')).to.equal(
      'https://accounts.google.com',
    );
  });

  it('keeps tenant path', () => {
    expect(issuerPrefix('https://login.example.com/tenant-1/v2.0/.well-known/openid-configuration')).to.equal(
      'https://login.example.com/tenant-1/v2.0',
    );
  });

  it('drops query', () => {
    expect(issuerPrefix('https://login.example.com/t/.well-known/openid-configuration?p=policy')).to.equal(
      'https://login.example.com/t',
    );
  });

  it('accepts one trailing slash', () => {
    expect(issuerPrefix('https://login.example.com/.well-known/openid-configuration/')).to.equal(
      'https://login.example.com',
    );
  });

  it('drops default port', () => {
    expect(issuerPrefix('https://login.example.com:443/.well-known/openid-configuration')).to.equal(
      'https://login.example.com',
    );
  });

  it('keeps loopback port', () => {
    expect(issuerPrefix('http://127.0.0.1:8080/.well-known/openid-configuration')).to.equal('http://127.0.0.1:8080');
  });

  it('rejects URL without well-known path', () => {
    expect(issuerPrefix('https://login.example.com/oauth2/keys')).to.equal(undefined);
  });

  it('rejects well-known path in middle', () => {
    expect(issuerPrefix('https://login.example.com/.well-known/openid-configuration/extra')).to.equal(undefined);
  });

  it('rejects other well-known document', () => {
    expect(issuerPrefix('https://login.example.com/.well-known/oauth-authorization-server')).to.equal(undefined);
  });
});

describe('mayIssue', () => {
  describe('with configured issuer', () => {
    const expectation = byDiscoveryUrl('https://login.example.com/.well-known/openid-configuration', {
      issuer: 'https://issuer.example.com',
    });

    it('accepts exact issuer', () => {
      expect(mayIssue(expectation, 'https://issuer.example.com')).to.equal(true);
    });

    it('rejects added trailing slash', () => {
      expect(mayIssue(expectation, 'https://issuer.example.com/')).to.equal(false);
    });

    it('rejects removed trailing slash', () => {
      const withSlash = byDiscoveryUrl(expectation.discoveryUrl, { issuer: 'https://issuer.example.com/' });

      expect(mayIssue(withSlash, 'https://issuer.example.com')).to.equal(false);
    });

    it('rejects longer host', () => {
      expect(mayIssue(expectation, 'https://issuer.example.com.other.test')).to.equal(false);
    });

    it('rejects longer path', () => {
      expect(mayIssue(expectation, 'https://issuer.example.com/tenant')).to.equal(false);
    });

    it('rejects discovery URL prefix', () => {
      expect(mayIssue(expectation, 'https://login.example.com')).to.equal(false);
    });

    it('rejects different letter case', () => {
      expect(mayIssue(expectation, 'https://Issuer.example.com')).to.equal(false);
    });

    it('overrides same-origin rule', () => {
      const both = byDiscoveryUrl('https://issuer.example.com/.well-known/openid-configuration', {
        issuer: 'https://issuer.example.com/exact',
        sameOriginIssuer: true,
      });

      expect(mayIssue(both, 'https://issuer.example.com/other')).to.equal(false);
    });
  });

  describe('by discovery URL', () => {
    const expectation = byDiscoveryUrl('https://login.example.com/tenant-1/.well-known/openid-configuration');

    it('accepts prefix', () => {
      expect(mayIssue(expectation, 'https://login.example.com/tenant-1')).to.equal(true);
    });

    it('accepts prefix with trailing slash', () => {
      expect(mayIssue(expectation, 'https://login.example.com/tenant-1/')).to.equal(true);
    });

    it('rejects two trailing slashes', () => {
      expect(mayIssue(expectation, 'https://login.example.com/tenant-1//')).to.equal(false);
    });

    it('rejects other tenant', () => {
      expect(mayIssue(expectation, 'https://login.example.com/tenant-2')).to.equal(false);
    });

    it('rejects longer host', () => {
      expect(mayIssue(expectation, 'https://login.example.com.other.test/tenant-1')).to.equal(false);
    });

    it('rejects origin without tenant', () => {
      expect(mayIssue(expectation, 'https://login.example.com')).to.equal(false);
    });

    it('rejects http for https prefix', () => {
      expect(mayIssue(expectation, 'http://login.example.com/tenant-1')).to.equal(false);
    });

    it('rejects discovery URL without well-known path', () => {
      const plain = byDiscoveryUrl('https://login.example.com/tenant-1/config');

      expect(mayIssue(plain, 'https://login.example.com/tenant-1/config')).to.equal(false);
    });
  });

  describe('by same origin', () => {
    const expectation = byDiscoveryUrl(B2C_POLICY_URL, { sameOriginIssuer: true });

    it('accepts any path on origin', () => {
      expect(mayIssue(expectation, 'https://contosob2ctest.b2clogin.com/some-tenant-id/v2.0/')).to.equal(true);
    });

    it('rejects longer host', () => {
      expect(mayIssue(expectation, 'https://contosob2ctest.b2clogin.com.other.test/t/v2.0/')).to.equal(false);
    });

    it('rejects other subdomain', () => {
      expect(mayIssue(expectation, 'https://other.b2clogin.com/t/v2.0/')).to.equal(false);
    });

    it('rejects other port', () => {
      expect(mayIssue(expectation, 'https://contosob2ctest.b2clogin.com:8443/t/v2.0/')).to.equal(false);
    });

    it('rejects other scheme', () => {
      expect(mayIssue(expectation, 'http://contosob2ctest.b2clogin.com/t/v2.0/')).to.equal(false);
    });

    it('rejects issuer that is not URL', () => {
      expect(mayIssue(expectation, 'contosob2ctest.b2clogin.com')).to.equal(false);
    });
  });

  describe('with token issuer', () => {
    const expectation = byDiscoveryUrl(KEYCLOAK_INTERNAL_URL, { tokenIssuer: KEYCLOAK_PUBLIC_ISSUER });

    it('accepts token issuer', () => {
      expect(mayIssue(expectation, KEYCLOAK_PUBLIC_ISSUER)).to.equal(true);
    });

    it('rejects discovery URL prefix', () => {
      expect(mayIssue(expectation, 'http://keycloak.internal:8080/realms/staff')).to.equal(false);
    });
  });

  describe('with schemeless issuer', () => {
    const expectation = byDiscoveryUrl(GOOGLE_URL, { schemelessIssuer: true });

    it('accepts issuer without scheme', () => {
      expect(mayIssue(expectation, 'accounts.google.com')).to.equal(true);
    });

    it('accepts issuer with scheme', () => {
      expect(mayIssue(expectation, 'https://accounts.google.com')).to.equal(true);
    });

    it('rejects other host without scheme', () => {
      expect(mayIssue(expectation, 'accounts.google.com.example.com')).to.equal(false);
    });

    it('rejects issuer without scheme by default', () => {
      expect(mayIssue(byDiscoveryUrl(GOOGLE_URL), 'accounts.google.com')).to.equal(false);
    });
  });

  it('multi-tenant provider may issue any issuer before its template is known', () => {
    const expectation = byDiscoveryUrl('https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration', { multiTenant: true });

    expect(mayIssue(expectation, 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0')).to.equal(true);
  });
});

describe('judgeDiscoveredIssuer', () => {
  it('still compares a configured issuer with a token issuer', () => {
    const expectation = byDiscoveryUrl(KEYCLOAK_INTERNAL_URL, { tokenIssuer: KEYCLOAK_PUBLIC_ISSUER, issuer: 'http://keycloak.internal:8080/realms/staff' });

    expect(judgeDiscoveredIssuer(expectation, 'http://keycloak.internal:8080/realms/staff')).to.equal('http://keycloak.internal:8080/realms/staff');
    mismatchOf(expectation, 'http://keycloak.internal:8080/realms/other');
  });

  it('accepts any declared issuer with a token issuer', () => {
    const expectation = byDiscoveryUrl(KEYCLOAK_INTERNAL_URL, { tokenIssuer: KEYCLOAK_PUBLIC_ISSUER });

    expect(judgeDiscoveredIssuer(expectation, 'http://keycloak.internal:8080/realms/other')).to.equal('http://keycloak.internal:8080/realms/other');
  });

  describe('basic rules', () => {
    const expectation = byDiscoveryUrl('https://login.example.com/.well-known/openid-configuration');

    it('returns declared issuer', () => {
      expect(judgeDiscoveredIssuer(expectation, 'https://login.example.com')).to.equal('https://login.example.com');
    });

    it('returns declared issuer with trailing slash', () => {
      expect(judgeDiscoveredIssuer(expectation, 'https://login.example.com/')).to.equal('https://login.example.com/');
    });

    it('rejects missing issuer', () => {
      expect(mismatchOf(expectation, undefined).message).to.match(/has no issuer/);
    });

    it('rejects empty issuer', () => {
      expect(mismatchOf(expectation, '').message).to.match(/has no issuer/);
    });

    it('rejects non-string issuer', () => {
      expect(mismatchOf(expectation, 42).message).to.match(/has no issuer/);
    });

    it('rejects issuer on other host', () => {
      expect(mismatchOf(expectation, 'https://other.example.com').message).to.include('https://other.example.com');
    });

    it('names discovery URL in message', () => {
      expect(mismatchOf(expectation, 'https://other.example.com').message).to.include(expectation.discoveryUrl);
    });

    it('mismatch is document load error', () => {
      const error = mismatchOf(expectation, 'https://other.example.com');

      expect(error).to.be.instanceOf(DocumentLoadError);
      expect(error.code).to.equal('ERR_OIDC_DOCUMENT_LOAD');
      expect(error.name).to.equal('IssuerMismatchError');
    });

    it('accepts configured issuer on other host', () => {
      const configured = byDiscoveryUrl(expectation.discoveryUrl, { issuer: 'https://other.example.com' });

      expect(judgeDiscoveredIssuer(configured, 'https://other.example.com')).to.equal('https://other.example.com');
    });

    it('rejects prefix when other issuer configured', () => {
      const configured = byDiscoveryUrl(expectation.discoveryUrl, { issuer: 'https://other.example.com' });

      expect(mismatchOf(configured, 'https://login.example.com').message).to.include('https://other.example.com');
    });
  });

  describe('real discovery documents', () => {
    const accepted = [
      { fixture: 'google', discoveryUrl: 'https://accounts.google.com/.well-known/openid-configuration' },
      { fixture: 'auth0', discoveryUrl: 'https://samples.auth0.com/.well-known/openid-configuration' },
      {
        fixture: 'github_actions',
        discoveryUrl: 'https://token.actions.githubusercontent.com/.well-known/openid-configuration',
      },
      { fixture: 'okta_org_as', discoveryUrl: 'https://apis.okta.com/.well-known/openid-configuration' },
      { fixture: 'salesforce_login', discoveryUrl: 'https://login.salesforce.com/.well-known/openid-configuration' },
      { fixture: 'facebook', discoveryUrl: 'https://www.facebook.com/.well-known/openid-configuration' },
    ];

    for (const { fixture, discoveryUrl } of accepted) {
      it(`accepts ${fixture}`, () => {
        const declared = declaredIssuer(fixture);

        expect(judgeDiscoveredIssuer(byDiscoveryUrl(discoveryUrl), declared)).to.equal(declared);
      });
    }

    it('auth0 issuer keeps trailing slash', () => {
      const declared = judgeDiscoveredIssuer(
        byDiscoveryUrl('https://samples.auth0.com/.well-known/openid-configuration'),
        declaredIssuer('auth0'),
      );

      expect(declared).to.equal('https://samples.auth0.com/');
    });

    const multiTenant = [
      {
        fixture: 'azure_ad_common_v2',
        discoveryUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
      },
      {
        fixture: 'azure_ad_organizations_v2',
        discoveryUrl: 'https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration',
      },
    ];

    for (const { fixture, discoveryUrl } of multiTenant) {
      it(`rejects ${fixture} as multi-tenant`, () => {
        const error = mismatchOf(byDiscoveryUrl(discoveryUrl), declaredIssuer(fixture));

        expect(error.message).to.match(/multi-tenant/);
        expect(error.message).to.include("Set 'tenants'");
      });
    }

    it('rejects azure_ad_common_v1 by default', () => {
      mismatchOf(byDiscoveryUrl(AZURE_V1_COMMON_URL), declaredIssuer('azure_ad_common_v1'));
    });

    // A configured template would match no real token, whose issuer names a concrete tenant.
    it('rejects azure_ad_common_v1 even with configured template', () => {
      const declared = declaredIssuer('azure_ad_common_v1');
      const error = mismatchOf(byDiscoveryUrl(AZURE_V1_COMMON_URL, { issuer: declared }), declared);

      expect(error.message).to.include("Set 'tenants'");
    });

    for (const { fixture, discoveryUrl } of [...multiTenant, { fixture: 'azure_ad_common_v1', discoveryUrl: AZURE_V1_COMMON_URL }]) {
      it(`accepts ${fixture} for a multi-tenant provider`, () => {
        const declared = declaredIssuer(fixture);

        expect(judgeDiscoveredIssuer(byDiscoveryUrl(discoveryUrl, { multiTenant: true }), declared)).to.equal(declared);
      });
    }

    it('rejects a template with two placeholders', () => {
      const expectation = byDiscoveryUrl(AZURE_V1_COMMON_URL, { multiTenant: true });
      const error = mismatchOf(expectation, 'https://login.microsoftonline.com/{tenantid}/{tenantid}/v2.0');

      expect(error.message).to.include('one {tenantid}');
    });

    it('rejects azure_ad_b2c_custom_policy by default', () => {
      mismatchOf(byDiscoveryUrl(B2C_POLICY_URL), declaredIssuer('azure_ad_b2c_custom_policy'));
    });

    it('accepts azure_ad_b2c_custom_policy on same origin', () => {
      const declared = declaredIssuer('azure_ad_b2c_custom_policy');

      expect(judgeDiscoveredIssuer(byDiscoveryUrl(B2C_POLICY_URL, { sameOriginIssuer: true }), declared)).to.equal(
        declared,
      );
    });

    it('same-origin rule rejects other origin', () => {
      const declared = declaredIssuer('azure_ad_b2c_custom_policy').replace('contosob2ctest', 'other');
      const error = mismatchOf(byDiscoveryUrl(B2C_POLICY_URL, { sameOriginIssuer: true }), declared);

      expect(error.message).to.include('https://contosob2ctest.b2clogin.com');
    });
  });

  describe('tenant-specific Azure AD v1 issuer', () => {
    const tenant = '00000000-0000-0000-0000-00000000a11d';
    const discoveryUrl = `https://login.microsoftonline.com/${tenant}/.well-known/openid-configuration`;
    const declared = declaredIssuer('azure_ad_common_v1').replace('{tenantid}', tenant);

    it('rejects sts.windows.net by default', () => {
      mismatchOf(byDiscoveryUrl(discoveryUrl), declared);
    });

    it('accepts sts.windows.net when configured', () => {
      expect(judgeDiscoveredIssuer(byDiscoveryUrl(discoveryUrl, { issuer: declared }), declared)).to.equal(declared);
    });
  });
});
