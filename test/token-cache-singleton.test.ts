import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import { Container } from 'typedi';

import { configureOidcAuth, OIDC_AUTH, OIDC_CLOCK, OIDC_LOGGER, OIDC_TOKEN_CACHE, revokeToken, TokenCacheSingleton, type TokenPage } from '../src/index.js';
import { cacheNamespace, verifiedTokenKey } from '../src/cache/token-key.js';
import { SUPPORTED_ALGORITHMS } from '../src/verification/algorithms.js';
import { CountingLogger } from './support/counting-logger.js';
import { TestIssuer } from './support/test-issuer.js';
import { ManualClock } from './support/unit/manual-clock.js';
import { rejectionOf } from './support/unit/rejection.js';

const AUDIENCE = 'api://singleton';
const CACHE_OFF = 'The token cache is off because tokenTtl is 0.';

describe('TokenCacheSingleton', function () {
  let issuer: TestIssuer;
  let clock: ManualClock;

  before(async function () {
    issuer = await TestIssuer.start();
    clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
    Container.remove(OIDC_TOKEN_CACHE);
    Container.set(OIDC_CLOCK, clock);
    Container.set(OIDC_LOGGER, new CountingLogger());
  });

  after(async function () {
    Container.remove(OIDC_AUTH);
    Container.remove(OIDC_TOKEN_CACHE);
    Container.remove(OIDC_CLOCK);
    Container.remove(OIDC_LOGGER);
    await issuer.close();
  });

  function claimsFor(extra: JWTPayload = {}): JWTPayload {
    return { iss: issuer.issuer, sub: 'user-1', aud: AUDIENCE, exp: clock.now() / 1000 + 600, ...extra };
  }

  describe('with cache on', function () {
    before(function () {
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] });
    });

    beforeEach(async function () {
      await TokenCacheSingleton.clear();
    });

    it('getToken returns added claims', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      const claims = claimsFor({ roles: ['reader'] });

      await TokenCacheSingleton.addToken(token, claims);

      expect(await TokenCacheSingleton.getToken(token)).to.deep.equal(claims);
    });

    it('getToken of unknown token is undefined', async function () {
      expect(await TokenCacheSingleton.getToken(await issuer.sign({ aud: AUDIENCE }))).to.equal(undefined);
    });

    it('addToken rejects unknown iss', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      const error = await rejectionOf(TokenCacheSingleton.addToken(token, claimsFor({ iss: 'https://other.example.com' })));
      expect((error as Error).message).to.equal("No configured provider issues tokens with this token's iss claim.");
    });

    it('addToken rejects missing iss', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      const error = await rejectionOf(TokenCacheSingleton.addToken(token, claimsFor({ iss: undefined })));
      expect((error as Error).message).to.equal("No configured provider issues tokens with this token's iss claim.");
    });

    it('addToken ignores expired claims', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.addToken(token, claimsFor({ exp: clock.now() / 1000 - 60 }));
      expect(await TokenCacheSingleton.getToken(token)).to.equal(undefined);
    });

    it('getToken past exp is undefined', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.addToken(token, claimsFor({ exp: clock.now() / 1000 + 30 }));

      clock.advance(60_000);

      expect(await TokenCacheSingleton.getToken(token)).to.equal(undefined);
    });

    it('removeToken returns true then false', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.addToken(token, claimsFor());

      expect(await TokenCacheSingleton.removeToken(token), 'first removal').to.equal(true);
      expect(await TokenCacheSingleton.removeToken(token), 'second removal').to.equal(false);
      expect(await TokenCacheSingleton.getToken(token)).to.equal(undefined);
    });

    it('revokeToken makes getToken undefined', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.addToken(token, claimsFor());

      await TokenCacheSingleton.revokeToken(token);

      expect(await TokenCacheSingleton.getToken(token)).to.equal(undefined);
    });

    it('revoked token cannot be added back', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.revokeToken(token);

      await TokenCacheSingleton.addToken(token, claimsFor());

      expect(await TokenCacheSingleton.getToken(token)).to.equal(undefined);
    });

    it('revokeToken function revokes', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.addToken(token, claimsFor());

      await revokeToken(token);

      expect(await TokenCacheSingleton.getToken(token)).to.equal(undefined);
    });

    it('clear removes every token', async function () {
      const first = await issuer.sign({ aud: AUDIENCE, sub: 'user-1' });
      const second = await issuer.sign({ aud: AUDIENCE, sub: 'user-2' });
      await TokenCacheSingleton.addToken(first, claimsFor());
      await TokenCacheSingleton.addToken(second, claimsFor());

      await TokenCacheSingleton.clear();

      expect(await TokenCacheSingleton.getToken(first), 'first token').to.equal(undefined);
      expect(await TokenCacheSingleton.getToken(second), 'second token').to.equal(undefined);
    });

    it('listTokens keys are digests', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.addToken(token, claimsFor());
      const namespace = cacheNamespace([{ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] }], SUPPORTED_ALGORITHMS);

      const page = (await TokenCacheSingleton.listTokens()) as TokenPage;

      expect(Object.keys(page.tokens)).to.deep.equal([verifiedTokenKey(namespace, token)]);
    });

    it('listTokens never shows raw token', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      await TokenCacheSingleton.addToken(token, claimsFor());
      await TokenCacheSingleton.revokeToken(await issuer.sign({ aud: AUDIENCE, sub: 'user-2' }));

      const page = (await TokenCacheSingleton.listTokens()) as TokenPage;

      expect(page.totalTokens, 'entries').to.equal(2);
      expect(JSON.stringify(page)).to.not.include(token.split('.')[2]);
    });

    it('listTokens pages entries', async function () {
      for (let index = 0; index < 3; index += 1) {
        await TokenCacheSingleton.addToken(await issuer.sign({ aud: AUDIENCE, sub: `user-${index}` }), claimsFor());
      }

      const page = (await TokenCacheSingleton.listTokens(2, 2)) as TokenPage;

      expect(page.totalPages).to.equal(2);
      expect(page.currentPage).to.equal(2);
      expect(Object.keys(page.tokens)).to.have.length(1);
    });
  });

  describe('with tokenTtl 0', function () {
    before(function () {
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], tokenTtl: 0 });
    });

    it('every method rejects with clear error', async function () {
      const token = await issuer.sign({ aud: AUDIENCE });
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['addToken', () => TokenCacheSingleton.addToken(token, claimsFor())],
        ['getToken', () => TokenCacheSingleton.getToken(token)],
        ['removeToken', () => TokenCacheSingleton.removeToken(token)],
        ['revokeToken', () => TokenCacheSingleton.revokeToken(token)],
        ['revokeToken function', () => revokeToken(token)],
        ['clear', () => TokenCacheSingleton.clear()],
        ['listTokens', () => TokenCacheSingleton.listTokens()],
      ];
      for (const [name, call] of calls) {
        const error = await rejectionOf(call());
        expect((error as Error).message, name).to.equal(CACHE_OFF);
      }
    });
  });

  describe('without configuration', function () {
    before(function () {
      Container.remove(OIDC_AUTH);
    });

    it('getToken names missing configuration', async function () {
      const error = await rejectionOf(TokenCacheSingleton.getToken('token'));
      expect((error as Error).message).to.include('call configureOidcAuth()');
    });
  });
});
