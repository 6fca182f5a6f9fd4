import { expect } from 'chai';

import { cacheNamespace, digestToken, revokedTokenKey, verifiedTokenKey } from '../src/cache/token-key.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';
const URL_A = 'https://a.example.com/.well-known/openid-configuration';
const URL_B = 'https://b.example.com/.well-known/openid-configuration';

describe('token keys', function () {
  describe('digestToken', function () {
    it('returns SHA-256 as base64url', function () {
      // The SHA-256 test vector for "abc" (hex ba7816bf…f20015ad) in base64url without padding.
      expect(digestToken('abc')).to.equal('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    });

    it('digest of token has base64url form', function () {
      expect(digestToken(TOKEN)).to.match(/^[A-Za-z0-9_-]{43}$/);
    });

    it('differs for different tokens', function () {
      expect(digestToken(`${TOKEN}x`)).to.not.equal(digestToken(TOKEN));
    });
  });

  describe('verifiedTokenKey', function () {
    const namespace = cacheNamespace([{ oidcUrls: [URL_A], audiences: ['api://a'] }]);
    const key = verifiedTokenKey(namespace, TOKEN);

    it('starts with namespace', function () {
      expect(key.startsWith(`${namespace}:`)).to.equal(true);
    });

    it('ends with token digest', function () {
      expect(key.endsWith(digestToken(TOKEN))).to.equal(true);
    });

    it('never contains raw token', function () {
      expect(key).to.not.include(TOKEN);
    });

    it('never contains token signature', function () {
      expect(key).to.not.include(TOKEN.split('.')[2]);
    });

    it('differs between namespaces', function () {
      const other = cacheNamespace([{ oidcUrls: [URL_B], audiences: ['api://a'] }]);
      expect(verifiedTokenKey(other, TOKEN)).to.not.equal(key);
    });
  });

  describe('revokedTokenKey', function () {
    const namespaces = [cacheNamespace([{ oidcUrls: [URL_A], audiences: ['api://a'] }]), cacheNamespace([{ oidcUrls: [URL_B], audiences: ['api://b'] }])];

    it('contains token digest', function () {
      expect(revokedTokenKey(TOKEN)).to.include(digestToken(TOKEN));
    });

    it('never contains raw token', function () {
      expect(revokedTokenKey(TOKEN)).to.not.include(TOKEN);
    });

    it('belongs to no namespace', function () {
      for (const namespace of namespaces) {
        expect(revokedTokenKey(TOKEN).startsWith(`${namespace}:`), namespace).to.equal(false);
      }
    });

    it('differs from verified key', function () {
      for (const namespace of namespaces) {
        expect(revokedTokenKey(TOKEN), namespace).to.not.equal(verifiedTokenKey(namespace, TOKEN));
      }
    });

    it('differs for different tokens', function () {
      expect(revokedTokenKey(`${TOKEN}x`)).to.not.equal(revokedTokenKey(TOKEN));
    });
  });

  describe('cacheNamespace', function () {
    const base = [{ oidcUrls: [URL_A], audiences: ['api://a'] }];

    it('is equal for equal configurations', function () {
      const copy = [{ oidcUrls: [URL_A], audiences: ['api://a'] }];
      expect(cacheNamespace(copy)).to.equal(cacheNamespace(base));
    });

    it('starts with library prefix', function () {
      expect(cacheNamespace(base)).to.match(/^rco:[A-Za-z0-9_-]{22}$/);
    });

    it('differs when audiences differ', function () {
      expect(cacheNamespace([{ oidcUrls: [URL_A], audiences: ['api://other'] }])).to.not.equal(cacheNamespace(base));
    });

    it('differs when audience is added', function () {
      expect(cacheNamespace([{ oidcUrls: [URL_A], audiences: ['api://a', 'api://other'] }])).to.not.equal(cacheNamespace(base));
    });

    it('differs when discovery URLs differ', function () {
      expect(cacheNamespace([{ oidcUrls: [URL_B], audiences: ['api://a'] }])).to.not.equal(cacheNamespace(base));
    });

    it('differs when same-origin rule is on', function () {
      expect(cacheNamespace([{ oidcUrls: [URL_A], audiences: ['api://a'], sameOriginIssuer: true }])).to.not.equal(cacheNamespace(base));
    });

    it('differs when algorithms differ', function () {
      expect(cacheNamespace(base, ['RS256'])).to.not.equal(cacheNamespace(base, ['RS256', 'ES256']));
    });

    it('ignores algorithm order', function () {
      expect(cacheNamespace(base, ['ES256', 'RS256'])).to.equal(cacheNamespace(base, ['RS256', 'ES256']));
    });

    it('differs when issuer is set', function () {
      expect(cacheNamespace([{ oidcUrls: [URL_A], issuer: 'https://a.example.com', audiences: ['api://a'] }])).to.not.equal(cacheNamespace(base));
    });

    it('differs when issuers differ', function () {
      const first = cacheNamespace([{ oidcUrls: [URL_A], issuer: 'https://a.example.com', audiences: ['api://a'] }]);
      const second = cacheNamespace([{ oidcUrls: [URL_A], issuer: 'https://a.example.com/tenant', audiences: ['api://a'] }]);
      expect(second).to.not.equal(first);
    });

    it('differs when provider order differs', function () {
      const providerA = { oidcUrls: [URL_A], audiences: ['api://a'] };
      const providerB = { oidcUrls: [URL_B], audiences: ['api://b'] };
      expect(cacheNamespace([providerB, providerA])).to.not.equal(cacheNamespace([providerA, providerB]));
    });

    it('differs when URLs split into providers', function () {
      const joined = cacheNamespace([{ oidcUrls: [URL_A, URL_B], audiences: ['api://a'] }]);
      const split = cacheNamespace([
        { oidcUrls: [URL_A], audiences: ['api://a'] },
        { oidcUrls: [URL_B], audiences: ['api://a'] },
      ]);
      expect(split).to.not.equal(joined);
    });
  });
});
