import { expect } from 'chai';

import type { JWTPayload } from 'jose';

import { claimRuleFailure, DEFAULT_CLAIM_RULES, type ClaimRules } from '../src/verification/claim-rules.js';
import type { IssuerMatch } from '../src/verification/issuer-match.js';

const TENANT_A = '00000000-0000-0000-0000-00000000000a';
const TENANT_B = '00000000-0000-0000-0000-00000000000b';
const COGNITO: ClaimRules = { audienceClaim: 'client_id', requiredClaims: { token_use: ['access'] } };

// Tells whether the payload meets every rule, so that each case reads as accepted or rejected.
function meetsClaimRules(payload: JWTPayload, audiences: readonly string[], rules: ClaimRules, match: IssuerMatch): boolean {
  return claimRuleFailure(payload, audiences, rules, match) === undefined;
}

describe('claimRuleFailure', () => {
  it('names the broken rule without values', () => {
    const rules: ClaimRules = { audienceClaim: 'aud', requiredClaims: { environment: ['prod'] } };

    expect(claimRuleFailure({ environment: 'staging' }, [], rules, {})).to.equal('required claim environment is missing or has a value that is not allowed');
  });

  it('default rules accept any payload', () => {
    expect(meetsClaimRules({ sub: 'user' }, ['api'], DEFAULT_CLAIM_RULES, {})).to.equal(true);
  });

  describe('client_id audience', () => {
    it('accepts a configured client_id', () => {
      expect(meetsClaimRules({ client_id: 'app-1', token_use: 'access' }, ['app-1'], COGNITO, {})).to.equal(true);
    });

    it('reads aud of an ID token', () => {
      const idTokens: ClaimRules = { ...COGNITO, requiredClaims: { token_use: ['access', 'id'] } };

      expect(meetsClaimRules({ aud: 'app-1', token_use: 'id' }, ['app-1'], idTokens, {})).to.equal(true);
      expect(meetsClaimRules({ aud: 'app-2', client_id: 'app-1', token_use: 'id' }, ['app-1'], idTokens, {})).to.equal(false);
    });

    for (const [name, payload] of [
      ['another client_id', { client_id: 'app-2', token_use: 'access' }],
      ['client_id in an array', { client_id: ['app-1'], token_use: 'access' }],
      ['aud instead of client_id', { aud: 'app-1', token_use: 'access' }],
      ['no client_id', { token_use: 'access' }],
      ['no token_use', { client_id: 'app-1' }],
    ] as const) {
      it(`rejects ${name}`, () => {
        expect(meetsClaimRules(payload, ['app-1'], COGNITO, {})).to.equal(false);
      });
    }
  });

  describe('required claims', () => {
    it('rejects an ID token where access tokens are required', () => {
      expect(meetsClaimRules({ client_id: 'app-1', token_use: 'id' }, ['app-1'], COGNITO, {})).to.equal(false);
    });

    it('accepts any listed value', () => {
      const rules: ClaimRules = { audienceClaim: 'aud', requiredClaims: { environment: ['prod', 'staging'] } };

      expect(meetsClaimRules({ environment: 'staging' }, [], rules, {})).to.equal(true);
    });

    it('compares booleans and numbers exactly', () => {
      const rules: ClaimRules = { audienceClaim: 'aud', requiredClaims: { email_verified: [true], ver: [1] } };

      expect(meetsClaimRules({ email_verified: true, ver: 1 }, [], rules, {})).to.equal(true);
      expect(meetsClaimRules({ email_verified: 'true', ver: 1 }, [], rules, {})).to.equal(false);
      expect(meetsClaimRules({ email_verified: true, ver: '1' }, [], rules, {})).to.equal(false);
    });

    for (const [name, value] of [
      ['missing', undefined],
      ['in an array', ['prod']],
      ['a number', 1],
      ['in another case', 'PROD'],
    ] as const) {
      it(`rejects a required claim ${name}`, () => {
        const rules: ClaimRules = { audienceClaim: 'aud', requiredClaims: { environment: ['prod'] } };

        expect(meetsClaimRules({ environment: value }, [], rules, {})).to.equal(false);
      });
    }

    it('does not read inherited properties', () => {
      const rules: ClaimRules = { audienceClaim: 'aud', requiredClaims: { constructor: ['function Object() { [native code] }'] } };

      expect(meetsClaimRules({}, [], rules, {})).to.equal(false);
    });
  });

  describe('tenants', () => {
    const allowlist: ClaimRules = { audienceClaim: 'aud', requiredClaims: {}, tenants: new Set([TENANT_A]) };

    it('accepts tid on the allowlist', () => {
      expect(meetsClaimRules({ tid: TENANT_A }, [], allowlist, { tenant: TENANT_A })).to.equal(true);
    });

    it('compares tid without case', () => {
      expect(meetsClaimRules({ tid: TENANT_A.toUpperCase() }, [], allowlist, { tenant: TENANT_A })).to.equal(true);
    });

    it('rejects tid off the allowlist', () => {
      expect(meetsClaimRules({ tid: TENANT_B }, [], allowlist, { tenant: TENANT_B })).to.equal(false);
    });

    it('rejects tid that differs from the tenant in iss', () => {
      expect(meetsClaimRules({ tid: TENANT_A }, [], DEFAULT_CLAIM_RULES, { tenant: TENANT_B })).to.equal(false);
    });

    it('rejects missing tid for a tenant issuer', () => {
      expect(meetsClaimRules({}, [], DEFAULT_CLAIM_RULES, { tenant: TENANT_A })).to.equal(false);
    });

    it('rejects missing tid with an allowlist', () => {
      expect(meetsClaimRules({}, [], allowlist, {})).to.equal(false);
    });

    it('accepts any tenant whose tid equals the tenant in iss', () => {
      expect(meetsClaimRules({ tid: TENANT_B }, [], DEFAULT_CLAIM_RULES, { tenant: TENANT_B })).to.equal(true);
    });
  });
});
