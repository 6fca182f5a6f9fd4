import { expect } from 'chai';

import type { IssuerExpectation } from '../src/discovery/issuer-rules.js';
import { keyServesIssuer, matchIssuer, soleIssuer } from '../src/verification/issuer-match.js';

const TENANT = '00000000-0000-0000-0000-00000000000a';
const V2_TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const V1_TEMPLATE = 'https://sts.windows.net/{tenantid}/';

function expectation(rule: Partial<IssuerExpectation> = {}): IssuerExpectation {
  return { discoveryUrl: 'https://id.example.com/.well-known/openid-configuration', sameOriginIssuer: false, ...rule };
}

describe('matchIssuer', () => {
  describe('declared issuer', () => {
    it('matches the same issuer', () => {
      expect(matchIssuer(expectation(), 'https://id.example.com', 'https://id.example.com')).to.deep.equal({});
    });

    for (const [name, issuer] of [
      ['trailing slash', 'https://id.example.com/'],
      ['upper case', 'https://ID.example.com'],
      ['no scheme', 'id.example.com'],
      ['other scheme', 'http://id.example.com'],
    ]) {
      it(`rejects issuer with ${name}`, () => {
        expect(matchIssuer(expectation(), 'https://id.example.com', issuer)).to.equal(undefined);
      });
    }
  });

  describe('schemeless issuer', () => {
    const google = expectation({ schemelessIssuer: true });

    it('matches the issuer without its scheme', () => {
      expect(matchIssuer(google, 'https://accounts.google.com', 'accounts.google.com')).to.deep.equal({});
    });

    it('matches the issuer with its scheme', () => {
      expect(matchIssuer(google, 'https://accounts.google.com', 'https://accounts.google.com')).to.deep.equal({});
    });

    it('rejects a longer host without scheme', () => {
      expect(matchIssuer(google, 'https://accounts.google.com', 'accounts.google.com.example.com')).to.equal(undefined);
    });

    it('rejects another scheme', () => {
      expect(matchIssuer(google, 'https://accounts.google.com', 'http://accounts.google.com')).to.equal(undefined);
    });
  });

  describe('token issuer', () => {
    const keycloak = expectation({ tokenIssuer: 'https://sso.example.com/realms/staff' });

    it('matches the configured token issuer', () => {
      expect(matchIssuer(keycloak, 'http://keycloak:8080/realms/staff', 'https://sso.example.com/realms/staff')).to.deep.equal({});
    });

    it('rejects the declared issuer', () => {
      expect(matchIssuer(keycloak, 'http://keycloak:8080/realms/staff', 'http://keycloak:8080/realms/staff')).to.equal(undefined);
    });
  });

  describe('tenant template', () => {
    it('takes the tenant of a v2 issuer', () => {
      expect(matchIssuer(expectation(), V2_TEMPLATE, `https://login.microsoftonline.com/${TENANT}/v2.0`)).to.deep.equal({ tenant: TENANT });
    });

    it('takes the tenant of a v1 issuer', () => {
      expect(matchIssuer(expectation(), V1_TEMPLATE, `https://sts.windows.net/${TENANT}/`)).to.deep.equal({ tenant: TENANT });
    });

    it('gives the tenant in lower case', () => {
      const issuer = `https://login.microsoftonline.com/${TENANT.toUpperCase()}/v2.0`;

      expect(matchIssuer(expectation(), V2_TEMPLATE, issuer)).to.deep.equal({ tenant: TENANT });
    });

    const rejected: Array<[string, string]> = [
      ['tenant name', 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0'],
      ['common', 'https://login.microsoftonline.com/common/v2.0'],
      ['empty tenant', 'https://login.microsoftonline.com//v2.0'],
      ['two segments', `https://login.microsoftonline.com/${TENANT}/x/v2.0`],
      ['v1 issuer', `https://sts.windows.net/${TENANT}/`],
      ['missing version', `https://login.microsoftonline.com/${TENANT}`],
      ['trailing slash', `https://login.microsoftonline.com/${TENANT}/v2.0/`],
      ['other host', `https://login.example.com/${TENANT}/v2.0`],
    ];
    for (const [name, issuer] of rejected) {
      it(`rejects ${name}`, () => {
        expect(matchIssuer(expectation(), V2_TEMPLATE, issuer)).to.equal(undefined);
      });
    }
  });
});

describe('soleIssuer', () => {
  const declared = 'https://id.example.com';
  const others = ['https://id.example.com/', 'id.example.com', 'https://other.example.com', `https://login.microsoftonline.com/${TENANT}/v2.0`];

  const single: Array<[string, IssuerExpectation, string]> = [
    ['declared issuer', expectation(), declared],
    ['same-origin issuer', expectation({ sameOriginIssuer: true }), declared],
    ['token issuer', expectation({ tokenIssuer: 'https://public.example.com' }), 'https://public.example.com'],
    ['tenant-specific document of a multi-tenant provider', expectation({ multiTenant: true }), declared],
  ];
  for (const [name, rule, sole] of single) {
    it(`names the one issuer of ${name}`, () => {
      expect(soleIssuer(rule, declared)).to.equal(sole);
      expect(matchIssuer(rule, declared, sole), 'sole issuer matches').to.deep.equal({});
      for (const other of others.filter((issuer) => issuer !== sole)) {
        expect(matchIssuer(rule, declared, other), other).to.equal(undefined);
      }
    });
  }

  it('names none for schemeless issuer', () => {
    expect(soleIssuer(expectation({ schemelessIssuer: true }), 'https://accounts.google.com')).to.equal(undefined);
  });

  it('names none for tenant template', () => {
    expect(soleIssuer(expectation({ multiTenant: true }), V2_TEMPLATE)).to.equal(undefined);
  });
});

describe('keyServesIssuer', () => {
  const issuer = `https://login.microsoftonline.com/${TENANT}/v2.0`;

  it('lets a key without issuer serve every tenant', () => {
    expect(keyServesIssuer(undefined, issuer, TENANT)).to.equal(true);
  });

  it('lets a template key serve every tenant', () => {
    expect(keyServesIssuer(V2_TEMPLATE, issuer, TENANT)).to.equal(true);
  });

  it("lets a tenant's own key serve that tenant", () => {
    expect(keyServesIssuer(issuer, issuer, TENANT)).to.equal(true);
  });

  it("rejects a tenant's own key for another tenant", () => {
    const other = 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0';

    expect(keyServesIssuer(other, issuer, TENANT)).to.equal(false);
  });

  it('rejects a v1 template key for a v2 issuer', () => {
    expect(keyServesIssuer(V1_TEMPLATE, issuer, TENANT)).to.equal(false);
  });
});
