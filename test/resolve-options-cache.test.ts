import KeyvSqlite from '@keyv/sqlite';
import { expect } from 'chai';
import Keyv from 'keyv';

import type { CacheProtocol } from '../src/cache/cache-protocol.js';
import { TokenCache } from '../src/cache/token-cache.js';
import { ConfigurationError } from '../src/adapters/configuration-error.js';
import type { OidcAuthOptions } from '../src/adapters/options.js';
import { configurationError } from './support/unit/configuration-error.js';
import { resolveOptions } from '../src/adapters/resolve-options.js';
import { withoutMembers } from './support/unit/without-members.js';

const DISCOVERY_URL = 'https://id.example.com/.well-known/openid-configuration';
const VALID: OidcAuthOptions = { oidcUrls: [DISCOVERY_URL], audiences: ['api://example'] };
const CACHE_METHODS = ['addToken', 'getToken', 'removeToken', 'clear', 'listTokens'];

function plainCache(): CacheProtocol {
  const entries = new Map<string, unknown>();
  return {
    addToken: (key, value) => void entries.set(key, value),
    getToken: (key) => entries.get(key),
    removeToken: (key) => entries.delete(key),
    clear: () => entries.clear(),
    listTokens: () => Object.fromEntries(entries),
  };
}

describe('resolveOptions token cache', function () {
  describe('tokenTtl', function () {
    it('defaults to 300 seconds', function () {
      expect(resolveOptions(VALID).tokenTtlMs).to.equal(300_000);
    });

    it('converts seconds to milliseconds', function () {
      expect(resolveOptions({ ...VALID, tokenTtl: 60 }).tokenTtlMs).to.equal(60_000);
    });

    it('accepts 0 to turn cache off', function () {
      expect(resolveOptions({ ...VALID, tokenTtl: 0 }).tokenTtlMs).to.equal(0);
    });

    it('rejects invalid value naming option', function () {
      for (const tokenTtl of [-1, 1.5, '300', Number.NaN]) {
        const error = configurationError({ ...VALID, tokenTtl });
        expect(error.option, String(tokenTtl)).to.equal('tokenTtl');
        expect(error.message, String(tokenTtl)).to.include("'tokenTtl'");
      }
    });
  });

  describe('tokenCacheMaxsize', function () {
    it('defaults to 1000', function () {
      expect(resolveOptions(VALID).tokenCacheMaxsize).to.equal(1000);
    });

    it('accepts positive integer', function () {
      expect(resolveOptions({ ...VALID, tokenCacheMaxsize: 5 }).tokenCacheMaxsize).to.equal(5);
    });

    it('rejects invalid value naming option', function () {
      for (const tokenCacheMaxsize of [0, -1, 2.5, '1000']) {
        const error = configurationError({ ...VALID, tokenCacheMaxsize });
        expect(error.option, String(tokenCacheMaxsize)).to.equal('tokenCacheMaxsize');
        expect(error.message, String(tokenCacheMaxsize)).to.include("'tokenCacheMaxsize'");
      }
    });
  });

  describe('tokenCacheTimeoutMs', function () {
    it('defaults to 250', function () {
      expect(resolveOptions(VALID).tokenCacheTimeoutMs).to.equal(250);
    });

    it('accepts positive integer', function () {
      expect(resolveOptions({ ...VALID, tokenCacheTimeoutMs: 100 }).tokenCacheTimeoutMs).to.equal(100);
    });

    it('rejects invalid value naming option', function () {
      for (const tokenCacheTimeoutMs of [0, -5, 2.5, '250']) {
        const error = configurationError({ ...VALID, tokenCacheTimeoutMs });
        expect(error.option, String(tokenCacheTimeoutMs)).to.equal('tokenCacheTimeoutMs');
        expect(error.message, String(tokenCacheTimeoutMs)).to.include("'tokenCacheTimeoutMs'");
      }
    });
  });

  describe('customTokenCache', function () {
    it('names no cache by default', function () {
      expect(resolveOptions(VALID).tokenCache).to.equal(undefined);
    });

    it('rejects cache lacking a method', function () {
      for (const method of CACHE_METHODS) {
        const error = configurationError({ ...VALID, customTokenCache: withoutMembers(plainCache(), method) });
        expect(error.option, method).to.equal('customTokenCache');
        expect(error.message, method).to.include("'customTokenCache'");
      }
    });

    it('rejects cache with non-function member', function () {
      const error = configurationError({ ...VALID, customTokenCache: { ...plainCache(), getToken: 'get' } });
      expect(error.option).to.equal('customTokenCache');
    });

    it('rejects non-object cache', function () {
      for (const customTokenCache of [null, 'memory', 42]) {
        const error = configurationError({ ...VALID, customTokenCache });
        expect(error.option, String(customTokenCache)).to.equal('customTokenCache');
      }
    });

    it('keeps valid cache by identity', function () {
      const custom = plainCache();
      const resolved = resolveOptions({ ...VALID, customTokenCache: custom });
      expect(resolved.tokenCache).to.have.property('custom').that.equals(custom);
    });

    it('accepts class instance with prototype methods', function () {
      const custom = new TokenCache();
      const resolved = resolveOptions({ ...VALID, customTokenCache: custom });
      expect(resolved.tokenCache).to.have.property('custom').that.equals(custom);
    });
  });

  describe('tokenCacheStore', function () {
    it('rejects store that is not Keyv', function () {
      const cases: Array<[string, unknown]> = [
        ['empty object', {}],
        ['Map', new Map()],
        ['string', 'redis://127.0.0.1:6379'],
        ['null', null],
        ['cache protocol', plainCache()],
      ];
      for (const [name, tokenCacheStore] of cases) {
        const error = configurationError({ ...VALID, tokenCacheStore });
        expect(error.option, name).to.equal('tokenCacheStore');
        expect(error.message, name).to.include("'tokenCacheStore'");
      }
    });

    // A storage adapter has Keyv's get, set and delete too; taken for a Keyv, it stored "[object Object]".
    it('rejects bare Keyv storage adapter', async function () {
      const adapter = new KeyvSqlite('sqlite://:memory:');
      let rejectedOption: string | undefined;
      try {
        resolveOptions({ ...VALID, tokenCacheStore: adapter as unknown as Keyv });
      } catch (error) {
        rejectedOption = (error as ConfigurationError).option;
      } finally {
        await adapter.disconnect();
      }
      expect(rejectedOption).to.equal('tokenCacheStore');
    });

    it('keeps Keyv by identity', function () {
      const keyv = new Keyv();
      const resolved = resolveOptions({ ...VALID, tokenCacheStore: keyv });
      expect(resolved.tokenCache).to.have.property('store').that.equals(keyv);
    });
  });

  it('rejects customTokenCache with tokenCacheStore', function () {
    const error = configurationError({ ...VALID, customTokenCache: plainCache(), tokenCacheStore: new Keyv() });
    expect(error.option).to.equal('customTokenCache');
    expect(error.message).to.include('tokenCacheStore');
  });
});
