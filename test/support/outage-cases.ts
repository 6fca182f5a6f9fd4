import { expect } from 'chai';
import Keyv from 'keyv';
import { Container } from 'typedi';

import { configureOidcAuth, OIDC_CLOCK, OIDC_TOKEN_CACHE, warmUpOidcAuth, type OidcAuthOptions } from '../../src/index.js';
import { get } from './http.js';
import type { AppFactory, RunningApp } from './test-apps.js';
import { makeKey, TestIssuer } from './test-issuer.js';
import { ManualClock } from './unit/manual-clock.js';

const AUDIENCE_A = 'api://outage-a';
const AUDIENCE_B = 'api://outage-b';

/** Cases of providers that are slow, failing, rotating keys or under a stampede, for one adapter. */
export function describeOutages(startApp: AppFactory): void {
  describe('provider outages', function () {
    let issuerA: TestIssuer;
    let issuerB: TestIssuer;
    let app: RunningApp;

    function configure(overrides: Partial<OidcAuthOptions> = {}): void {
      configureOidcAuth({
        providers: [
          { oidcUrls: [issuerA.discoveryUrl], audiences: [AUDIENCE_A] },
          { oidcUrls: [issuerB.discoveryUrl], audiences: [AUDIENCE_B] },
        ],
        tokenTtl: 0,
        fetchTimeout: 1,
        ...overrides,
      });
    }

    before(async function () {
      [issuerA, issuerB] = await Promise.all([TestIssuer.start(), TestIssuer.start()]);
      configure();
      app = await startApp(true);
    });

    beforeEach(function () {
      issuerA.behave('normal');
      issuerB.behave('normal');
      issuerA.requests.length = 0;
      issuerB.requests.length = 0;
    });

    after(async function () {
      issuerA.behave('normal');
      issuerB.behave('normal');
      Container.remove(OIDC_CLOCK);
      Container.remove(OIDC_TOKEN_CACHE);
      await Promise.all([app?.close(), issuerA?.close(), issuerB?.close()]);
    });

    it('fetches each document once for 500 first requests', async function () {
      configure();
      const tokens = await Promise.all([issuerA.sign({ aud: AUDIENCE_A }), issuerB.sign({ aud: AUDIENCE_B })]);
      const replies = await Promise.all(Array.from({ length: 500 }, (_, index) => get(`${app.baseUrl}/me`, { token: tokens[index % 2] })));
      expect(replies.filter((reply) => reply.status !== 200).map((reply) => reply.status)).to.deep.equal([]);
      for (const issuer of [issuerA, issuerB]) {
        expect(issuer.count('/.well-known/openid-configuration')).to.equal(1);
        expect(issuer.count('/jwks')).to.equal(1);
      }
    });

    it('answers 500 within the timeout when the provider hangs', async function () {
      configure();
      issuerA.behave('hang');
      const started = Date.now();
      const reply = await get(`${app.baseUrl}/me`, { token: await issuerA.sign({ aud: AUDIENCE_A }) });
      expect(reply.status).to.equal(500);
      expect(reply.body.code).to.equal('provider_unavailable');
      expect(Date.now() - started).to.be.below(2_500);
    });

    it('bounds JWKS refetches under a flood of unknown kids', async function () {
      configure({ keyRefetchCooldown: 60 });
      const valid = await issuerA.sign({ aud: AUDIENCE_A });
      expect((await get(`${app.baseUrl}/me`, { token: valid })).status).to.equal(200);
      const strangers = await Promise.all(Array.from({ length: 20 }, (_, index) => makeKey(`flood-${index}`, 'ES256')));
      const forged = await Promise.all(strangers.map((key) => issuerA.sign({ aud: AUDIENCE_A }, { key })));
      const replies = await Promise.all([...forged, valid, valid].map((token) => get(`${app.baseUrl}/me`, { token })));
      expect(replies.slice(0, 20).every((reply) => reply.status === 401)).to.equal(true);
      expect(replies.slice(20).map((reply) => reply.status)).to.deep.equal([200, 200]);
      expect(issuerA.count('/jwks')).to.be.at.most(2);
    });

    it('keeps serving from the last good copy while the provider fails', async function () {
      const clock = new ManualClock(Date.now());
      Container.set(OIDC_CLOCK, clock);
      try {
        configure({ maxStaleAge: 3600, jwksTtl: 60, oidcTtl: 60 });
        expect((await warmUpOidcAuth()).failed).to.deep.equal([]);
        issuerA.behave('error500');
        clock.advance(120_000);
        const exp = Math.floor(clock.now() / 1000) + 600;
        const valid = await issuerA.sign({ aud: AUDIENCE_A, exp, iat: exp - 600 });
        expect((await get(`${app.baseUrl}/me`, { token: valid })).status).to.equal(200);
        const forged = await issuerA.sign({ aud: AUDIENCE_A, exp, iat: exp - 600 }, { key: await makeKey(issuerA.keys[0].kid, 'RS256') });
        expect((await get(`${app.baseUrl}/me`, { token: forged })).status).to.equal(401);
        const unknownIssuer = await issuerA.sign({ aud: AUDIENCE_A, iss: 'http://127.0.0.1:9/elsewhere', exp });
        expect((await get(`${app.baseUrl}/me`, { token: unknownIssuer })).status).to.equal(401);
      } finally {
        Container.remove(OIDC_CLOCK);
      }
    });

    it('reports failed providers at warm-up', async function () {
      configure();
      issuerB.behave('error500');
      const report = await warmUpOidcAuth();
      expect(report.loaded).to.deep.equal([issuerA.discoveryUrl]);
      expect(report.failed.map((failure) => failure.discoveryUrl)).to.deep.equal([issuerB.discoveryUrl]);
      configure();
      let thrown: unknown;
      await warmUpOidcAuth({ throwOnFailure: true }).catch((error: unknown) => (thrown = error));
      expect(String(thrown)).to.contain(issuerB.discoveryUrl);
    });

    it('shares documents through the token cache store', async function () {
      // One store as two instances would reach it, such as one Redis.
      const tokenCacheStore = new Keyv();
      configure({ shareProviderDocuments: true, tokenTtl: 300, tokenCacheStore });
      await warmUpOidcAuth({ throwOnFailure: true });
      const fetchedBefore = issuerA.requests.length;
      issuerA.behave('refuse');
      configure({ shareProviderDocuments: true, tokenTtl: 300, tokenCacheStore });
      const reply = await get(`${app.baseUrl}/me`, { token: await issuerA.sign({ aud: AUDIENCE_A }) });
      expect(reply.status, reply.text).to.equal(200);
      expect(issuerA.requests.length).to.equal(fetchedBefore);
    });
  });
}
