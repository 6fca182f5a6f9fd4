import { expect } from 'chai';

import type { OidcAuthOptions } from '../src/adapters/options.js';
import { configurationError } from './support/unit/configuration-error.js';
import { resolveOptions } from '../src/adapters/resolve-options.js';

const DISCOVERY_URL = 'https://id.example.com/.well-known/openid-configuration';
const VALID: OidcAuthOptions = { oidcUrls: [DISCOVERY_URL], audiences: ['api://example'] };

describe('resolveOptions', function () {
  it('fills in the documented defaults', function () {
    const resolved = resolveOptions(VALID);
    expect(resolved.providers).to.deep.equal([
      {
        oidcUrls: [DISCOVERY_URL],
        audiences: ['api://example'],
        issuer: undefined,
        sameOriginIssuer: false,
        rolesKey: undefined,
        tokenIssuer: undefined,
        schemelessIssuer: false,
        multiTenant: false,
        rules: { audienceClaim: 'aud', requiredClaims: {}, tenants: undefined },
      },
    ]);
    expect(resolved.rolesKey).to.equal('roles');
    expect(resolved.excludedPaths).to.deep.equal([]);
    expect(resolved.oidcTtlMs).to.equal(3_600_000);
    expect(resolved.jwksTtlMs).to.equal(3_600_000);
    expect(resolved.keyRefetchCooldownMs).to.equal(30_000);
    expect(resolved.clockToleranceSeconds).to.equal(5);
    expect(resolved.fetchTimeoutMs).to.equal(5_000);
    expect(resolved.maxDocumentSize).to.equal(524_288);
    expect(resolved.maxTokenLength).to.equal(8192);
    expect(resolved.realm).to.equal('api');
    expect(resolved.algorithms).to.not.include('HS256');
  });

  it('converts seconds to milliseconds', function () {
    const resolved = resolveOptions({ ...VALID, oidcTtl: 10, jwksTtl: 20, keyRefetchCooldown: 3, fetchTimeout: 2 });
    expect(resolved.oidcTtlMs).to.equal(10_000);
    expect(resolved.jwksTtlMs).to.equal(20_000);
    expect(resolved.keyRefetchCooldownMs).to.equal(3_000);
    expect(resolved.fetchTimeoutMs).to.equal(2_000);
  });

  it('rejects empty oidcUrls with the seed message', function () {
    for (const oidcUrls of [[], undefined, 'https://id.example.com', [42]]) {
      const error = configurationError({ ...VALID, oidcUrls });
      expect(error.message, JSON.stringify(oidcUrls)).to.equal("Parameter 'oidcUrls' must be a non-empty list of OIDC URLs.");
      expect(error.option).to.equal('oidcUrls');
    }
  });

  it('rejects empty audiences with the seed message', function () {
    for (const audiences of [[], undefined, [''], 'api://example']) {
      const error = configurationError({ ...VALID, audiences });
      expect(error.message, JSON.stringify(audiences)).to.equal("Parameter 'audiences' must be a non-empty list of audience strings.");
    }
  });

  it('rejects a logger without debug', function () {
    for (const logger of [{}, { info: () => undefined }, 'console', 42]) {
      expect(() => resolveOptions({ ...VALID, logger } as unknown as OidcAuthOptions)).to.throw(TypeError, 'Logger must implement the logging protocol.');
    }
  });

  it('accepts console as the logger', function () {
    expect(resolveOptions({ ...VALID, logger: console }).logger).to.equal(console);
  });

  it('names an unknown option', function () {
    const error = configurationError({ ...VALID, oidcUrl: DISCOVERY_URL });
    expect(error.message).to.equal("Unknown option 'oidcUrl'.");
    expect(error.option).to.equal('oidcUrl');
  });

  it('names an option of the wrong type', function () {
    const cases: Array<[string, unknown]> = [
      ['jwksTtl', 0],
      ['jwksTtl', 1.5],
      ['oidcTtl', '3600'],
      ['clockTolerance', -1],
      ['clockTolerance', 301],
      ['fetchTimeout', 0],
      ['rolesKey', ''],
      ['excludedPaths', ['public']],
      ['realm', 'a"b'],
      ['realm', 'line\nbreak'],
      ['maxTokenLength', 10],
    ];
    for (const [option, value] of cases) {
      const error = configurationError({ ...VALID, [option]: value });
      expect(error.option, `${option}=${JSON.stringify(value)}`).to.equal(option);
      expect(error.message).to.contain(`'${option}'`);
    }
  });

  it('rejects symmetric and none algorithms', function () {
    for (const alg of ['HS256', 'none', 'RSA-OAEP']) {
      const error = configurationError({ ...VALID, algorithms: ['RS256', alg] });
      expect(error.option, alg).to.equal('algorithms');
    }
  });

  it('rejects discovery URLs it would not fetch', function () {
    const urls = [
      'http://id.example.com/.well-known/openid-configuration',
      'https://user:pass@id.example.com/.well-known/openid-configuration',
      'https://id.example.com/.well-known/openid-configuration#x',
      'not a url',
    ];
    for (const url of urls) {
      const error = configurationError({ ...VALID, oidcUrls: [url] });
      expect(error.message, url).to.contain("'oidcUrls[0]'");
    }
  });

  it('accepts http on loopback', function () {
    for (const host of ['127.0.0.1:8080', '[::1]:8080', 'localhost']) {
      expect(() => resolveOptions({ ...VALID, oidcUrls: [`http://${host}/.well-known/openid-configuration`] })).to.not.throw();
    }
  });

  it('needs issuer for a URL without the well-known path', function () {
    const url = 'https://id.example.com/metadata';
    expect(configurationError({ ...VALID, oidcUrls: [url] }).message).to.contain("set 'issuer'");
    expect(resolveOptions({ ...VALID, oidcUrls: [url], issuer: 'https://id.example.com' }).providers[0].issuer).to.equal('https://id.example.com');
  });

  it('resolves several providers', function () {
    const resolved = resolveOptions({
      providers: [
        { oidcUrls: [DISCOVERY_URL], audiences: ['a'] },
        { oidcUrls: ['https://example.b2clogin.com/example.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration'], audiences: ['b'], rolesKey: 'scp' },
      ],
    });
    expect(resolved.providers).to.have.length(2);
    expect(resolved.providers[0].sameOriginIssuer).to.equal(false);
    expect(resolved.providers[1].sameOriginIssuer).to.equal(true);
    expect(resolved.providers[1].rolesKey).to.equal('scp');
  });

  it('names the provider of an invalid nested option', function () {
    const error = configurationError({ providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['a'] }, { oidcUrls: [DISCOVERY_URL], audiences: ['b'], rolesKey: 7 }] });
    expect(error.option).to.equal('providers[1].rolesKey');
  });

  it('rejects providers beside oidcUrls', function () {
    const error = configurationError({ ...VALID, providers: [{ oidcUrls: [DISCOVERY_URL], audiences: ['a'] }] });
    expect(error.option).to.equal('providers');
  });

  it('rejects something other than an object', function () {
    expect(configurationError(null).option).to.equal('options');
  });
});
