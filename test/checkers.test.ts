import path from 'node:path';

import { expect } from 'chai';
import Keyv from 'keyv';
import type { Action } from 'routing-controllers';
import { Container } from 'typedi';

import { authorizationChecker, configureOidcAuth, currentUserChecker, OIDC_AUTH, OIDC_TOKEN_CACHE, TokenCache } from '../src/index.js';
import { BUILD, heapAfter } from './support/heap-search.js';
import { TestIssuer } from './support/test-issuer.js';
import { errorThrownBy } from './support/unit/rejection.js';

const ACTION = { request: { headers: {}, rawHeaders: [] }, response: {} } as unknown as Action;

describe('checkers', function () {
  let configured: unknown;

  before(function () {
    configured = Container.has(OIDC_AUTH) ? Container.get(OIDC_AUTH) : undefined;
    Container.remove(OIDC_AUTH);
  });

  after(function () {
    if (configured !== undefined) {
      Container.set(OIDC_AUTH, configured);
    }
  });

  it('name the missing configuration', function () {
    for (const [name, check] of [
      ['authorizationChecker', () => authorizationChecker(ACTION, [])],
      ['currentUserChecker', () => currentUserChecker(ACTION)],
    ] as const) {
      const error = errorThrownBy(check);
      expect(error, name).to.be.instanceOf(Error);
      expect((error as Error).message, name).to.equal('routing-controllers-oidc is not configured: call configureOidcAuth() before serving requests.');
    }
  });
});

/** Returns an Express-shaped action on `socket` whose raw header line and parsed header may differ, as after a middleware rewrote the latter. */
function actionOn(socket: object, rawAuthorization: string, parsedAuthorization: string | undefined): Action {
  const headers: Record<string, string> = parsedAuthorization === undefined ? {} : { authorization: parsedAuthorization };
  const request = { headers, rawHeaders: ['Authorization', rawAuthorization], socket, method: 'GET', path: '/orders', query: {} };
  return { request, response: { setHeader: () => undefined } } as unknown as Action;
}

/** Returns how the checker ended: 'allowed', or the HTTP status of the error it threw. */
async function outcomeOf(action: Action): Promise<string | number> {
  try {
    return (await authorizationChecker(action, [])) ? 'allowed' : 'denied';
  } catch (error) {
    return (error as { httpCode?: number }).httpCode ?? String(error);
  }
}

// The default store, which the connection memo can recall hits of, and a given Keyv, whose entries
// the memo cannot recall and which it spares only reading and hashing the token.
for (const [storeName, newCache] of [
  ['memory', () => new TokenCache()],
  ['given Keyv', () => new TokenCache(new Keyv())],
] as const) {
  describe(`checkers on a kept-alive connection with ${storeName} store`, function () {
    let issuer: TestIssuer;

    before(async function () {
      issuer = await TestIssuer.start();
      Container.set(OIDC_TOKEN_CACHE, newCache());
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: ['api://orders'] });
    });

    after(async function () {
      Container.remove(OIDC_AUTH);
      Container.remove(OIDC_TOKEN_CACHE);
      await issuer.close();
    });

    it('judge the header a middleware rewrote', async function () {
      const token = await issuer.sign({ aud: 'api://orders' });
      const socket = {};
      const header = `Bearer ${token}`;
      for (const attempt of ['miss', 'hit', 'repeated hit']) {
        expect(await outcomeOf(actionOn(socket, header, header)), attempt).to.equal('allowed');
      }

      expect(await outcomeOf(actionOn(socket, header, undefined)), 'header removed').to.equal(401);
      expect(await outcomeOf(actionOn(socket, header, 'Bearer aaa.bbb.ccc')), 'header replaced').to.equal(401);
      expect(await outcomeOf(actionOn(socket, header, header)), 'original header again').to.equal('allowed');
    });

    it('read each header as its own user', async function () {
      const headers = { alice: `Bearer ${await issuer.sign({ aud: 'api://orders', sub: 'alice' })}`, bob: `bearer  ${await issuer.sign({ aud: 'api://orders', sub: 'bob' })}` };
      const socket = {};
      for (const name of ['alice', 'alice', 'bob', 'bob', 'alice', 'bob'] as const) {
        const user = (await currentUserChecker(actionOn(socket, headers[name], headers[name]))) as { sub?: string } | undefined;
        expect(user?.sub, name).to.equal(name);
      }
    });
  });
}

describe('checkers and memory', function () {
  // The child sends a token twice, each time on a new connection: the first request verifies it and
  // the second finds it in the cache. Then it looks for the token in a heap snapshot.
  it('keep no token after cache hit', function () {
    this.timeout(20_000);
    const setup = `
      require('reflect-metadata');
      const { TestIssuer } = require(${JSON.stringify(path.join(BUILD, 'test', 'support', 'test-issuer.js'))});
      const { authorizationChecker, configureOidcAuth } = require(${JSON.stringify(path.join(BUILD, 'src', 'index.js'))});
      const issuer = await TestIssuer.start();
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: ['api://orders'] });
      await (async () => {
        const token = await issuer.sign({ aud: 'api://orders' });
        const [, payload, signature] = token.split('.');
        globalThis.needle = Buffer.from(payload + '.' + signature);
        for (const attempt of ['miss', 'hit']) {
          // A new string for each request, as each HTTP request brings its own.
          const header = 'Bearer ' + token.split('').join('');
          const request = { headers: { authorization: header }, rawHeaders: ['Authorization', header], socket: {}, method: 'GET', path: '/orders', query: {} };
          if ((await authorizationChecker({ request, response: { setHeader() {} } }, [])) !== true) {
            throw new Error('The ' + attempt + ' was not allowed.');
          }
        }
      })();
      await issuer.close();`;

    expect(heapAfter(setup)).to.equal('gone');
  });
});
