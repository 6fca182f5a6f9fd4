import { KeyObject, sign as signBytes } from 'node:crypto';

import { expect } from 'chai';

import { get, type Reply } from '../support/http.js';
import { AUDIENCE_A, AUDIENCE_B, describeConformance, segment, type ConformanceContext } from './harness.js';

const DOCUMENT_PATHS = ['/.well-known/openid-configuration', '/jwks'];
const TOLERANCE_SECONDS = 5;
const RS256_HEADER = { alg: 'RS256', kid: 'test-key-1', typ: 'at+jwt' };

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Signs `payloadText` exactly as given (any text, not only a JSON object) with provider A's key,
 * under `headerText`, which defaults to a valid RS256 header.
 */
function signRawA(context: ConformanceContext, payloadText: string, headerText = JSON.stringify(RS256_HEADER)): string {
  const input = `${segment(headerText)}.${segment(payloadText)}`;
  const key = KeyObject.from(context.issuerA.keys[0].privateKey);
  return `${input}.${signBytes('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Returns the JSON text of a valid provider-A payload with `extra` spliced in as raw JSON members. */
function payloadTextA(context: ConformanceContext, extra: string): string {
  const base = JSON.stringify({ iss: context.issuerA.issuer, aud: AUDIENCE_A, sub: 'user-a', iat: nowSeconds() });
  return `${base.slice(0, -1)},${extra}}`;
}

async function sendToBoth(context: ConformanceContext, token: string, path = '/any-token'): Promise<Array<[string, Reply]>> {
  return [
    ['middleware', await get(`${context.guarded.baseUrl}${path}`, { token })],
    ['checker', await get(`${context.unguarded.baseUrl}${path}`, { token })],
  ];
}

async function expectRejectedByBoth(context: ConformanceContext, token: string, label: string, codes = ['invalid_token']): Promise<void> {
  for (const [app, reply] of await sendToBoth(context, token)) {
    expect(reply.status, `${label} (${app}): ${reply.text}`).to.equal(401);
    expect(reply.body.code, `${label} (${app}): ${reply.text}`).to.be.oneOf(codes);
  }
  expectOnlyDocumentRequests(context);
}

async function expectAcceptedByBoth(context: ConformanceContext, token: string, label: string): Promise<Array<[string, Reply]>> {
  const replies = await sendToBoth(context, token);
  for (const [app, reply] of replies) {
    expect(reply.status, `${label} (${app}): ${reply.text}`).to.equal(200);
  }
  expectOnlyDocumentRequests(context);
  return replies;
}

function expectOnlyDocumentRequests(context: ConformanceContext): void {
  for (const issuer of [context.issuerA, context.issuerB]) {
    const unexpected = issuer.requests.filter((path) => !DOCUMENT_PATHS.includes(path));
    expect(unexpected, `requests to ${issuer.issuer} other than its documents`).to.deep.equal([]);
  }
  expect(context.trap.requests, 'requests to the trap server').to.deep.equal([]);
}

describeConformance('claims', (context) => {
  describe('exp', function () {
    it('exp past tolerance rejected', async function () {
      const now = nowSeconds();
      for (const exp of [now - TOLERANCE_SECONDS - 1, now - 60, now - 3600, 1, 0, -1, 1.5, -1e308]) {
        await expectRejectedByBoth(context, await context.tokenA({ exp }), `exp ${exp}`, ['token_expired']);
      }
    });

    it('exp at now minus tolerance rejected', async function () {
      const exp = nowSeconds() - TOLERANCE_SECONDS;
      await expectRejectedByBoth(context, await context.tokenA({ exp }), `exp now-${TOLERANCE_SECONDS}`, ['token_expired']);
    });

    it('exp within tolerance accepted', async function () {
      // Verification runs within a second of signing, so exp stays above now minus the tolerance.
      const exp = nowSeconds() - TOLERANCE_SECONDS + 2;
      await expectAcceptedByBoth(context, await context.tokenA({ exp }), 'exp now-3');
    });

    it('exp equal to now rejected without tolerance', async function () {
      context.configure({ clockTolerance: 0 });
      await expectRejectedByBoth(context, await context.tokenA({ exp: nowSeconds() }), 'exp now', ['token_expired']);
      await expectRejectedByBoth(context, await context.tokenA({ exp: nowSeconds() - 1 }), 'exp now-1', ['token_expired']);
    });

    it('exp after now accepted without tolerance', async function () {
      context.configure({ clockTolerance: 0 });
      await expectAcceptedByBoth(context, await context.tokenA({ exp: nowSeconds() + 3 }), 'exp now+3');
    });

    it('exp missing or not number rejected', async function () {
      const later = nowSeconds() + 600;
      for (const exp of [undefined, String(later), '9999999999', null, true, {}, [later], { value: later }]) {
        await expectRejectedByBoth(context, await context.tokenA({ exp }), `exp ${JSON.stringify(exp)}`);
      }
    });

    it('exp far in future accepted', async function () {
      // The issuer signed these values, and each is a JSON number after now.
      for (const exp of [nowSeconds() + 10 * 365 * 86_400, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e20, 1e308]) {
        await expectAcceptedByBoth(context, await context.tokenA({ exp }), `exp ${exp}`);
      }
    });

    it('exp beyond double range rejected', async function () {
      // JSON.parse reads 1e400 as Infinity, a time that no NumericDate can name.
      for (const text of ['1e400', '1E999', '123456789e999', '-1e400']) {
        await expectRejectedByBoth(context, signRawA(context, payloadTextA(context, `"exp":${text}`)), `exp ${text}`, ['invalid_token', 'token_expired']);
      }
    });

    it('far-future exp served from token cache', async function () {
      context.configure({ tokenTtl: 60 });
      const tokens: Array<[string, string]> = [
        ['exp 1e308', await context.tokenA({ exp: 1e308 })],
      ];
      for (const [label, token] of tokens) {
        await expectAcceptedByBoth(context, token, `${label}, first request`);
        await expectAcceptedByBoth(context, token, `${label}, second request`);
      }
    });
  });

  describe('nbf and iat', function () {
    it('nbf past tolerance rejected', async function () {
      const now = nowSeconds();
      for (const nbf of [now + TOLERANCE_SECONDS + 5, now + 3600, 1e12, 1e308]) {
        await expectRejectedByBoth(context, await context.tokenA({ nbf }), `nbf ${nbf}`);
      }
    });

    it('nbf within tolerance accepted', async function () {
      const now = nowSeconds();
      for (const nbf of [now + 3, now + TOLERANCE_SECONDS, now, now - 3600]) {
        await expectAcceptedByBoth(context, await context.tokenA({ nbf }), `nbf now${nbf - now >= 0 ? '+' : ''}${nbf - now}`);
      }
    });

    it('nbf not number rejected', async function () {
      for (const nbf of [String(nowSeconds()), null, true, {}, [nowSeconds()]]) {
        await expectRejectedByBoth(context, await context.tokenA({ nbf }), `nbf ${JSON.stringify(nbf)}`);
      }
    });

    it('iat past tolerance rejected', async function () {
      const now = nowSeconds();
      for (const iat of [now + TOLERANCE_SECONDS + 5, now + 3600, 1e12, 1e308]) {
        await expectRejectedByBoth(context, await context.tokenA({ iat }), `iat ${iat}`);
      }
    });

    it('iat within tolerance accepted', async function () {
      const now = nowSeconds();
      for (const iat of [now + 3, now, now - 3600, 0, undefined]) {
        await expectAcceptedByBoth(context, await context.tokenA({ iat }), `iat ${iat}`);
      }
    });

    it('iat not number rejected', async function () {
      for (const iat of [String(nowSeconds()), null, true, {}, [nowSeconds()]]) {
        await expectRejectedByBoth(context, await context.tokenA({ iat }), `iat ${JSON.stringify(iat)}`);
      }
    });

    it('nbf and iat beyond double range handled', async function () {
      await expectRejectedByBoth(context, signRawA(context, payloadTextA(context, `"exp":${nowSeconds() + 600},"nbf":1e400`)), 'nbf 1e400');
      await expectRejectedByBoth(context, signRawA(context, payloadTextA(context, `"exp":${nowSeconds() + 600}`).replace(/"iat":\d+/, '"iat":1e400')), 'iat 1e400');
    });
  });

  describe('aud', function () {
    it('aud naming audience accepted', async function () {
      for (const aud of [AUDIENCE_A, [AUDIENCE_A], ['api://other', AUDIENCE_A], [AUDIENCE_A, AUDIENCE_A]]) {
        await expectAcceptedByBoth(context, await context.tokenA({ aud }), `aud ${JSON.stringify(aud)}`);
      }
    });

    it('aud not naming audience rejected', async function () {
      const audiences: unknown[] = [
        undefined,
        '',
        [],
        [''],
        [[AUDIENCE_A]],
        { [AUDIENCE_A]: true },
        { aud: AUDIENCE_A },
        1,
        null,
        true,
        AUDIENCE_B,
        [AUDIENCE_B],
        'API://provider-a',
        'api://PROVIDER-A',
        `${AUDIENCE_A}/`,
        ` ${AUDIENCE_A}`,
        `${AUDIENCE_A} `,
        `${AUDIENCE_A},api://other`,
        'api://provider',
        'api://provider-ab',
        [1, AUDIENCE_A],
        [null, AUDIENCE_A],
        [AUDIENCE_A, { aud: AUDIENCE_A }],
      ];
      for (const aud of audiences) {
        await expectRejectedByBoth(context, await context.tokenA({ aud }), `aud ${JSON.stringify(aud)}`);
      }
    });
  });

  describe('iss', function () {
    it('iss compared exactly', async function () {
      const issuer = context.issuerA.issuer;
      const port = new URL(issuer).port;
      const spellings: unknown[] = [
        `${issuer}/`,
        `${issuer}//`,
        `${issuer}/x`,
        `${issuer}x`,
        `${issuer}0`,
        `${issuer}/.`,
        `${issuer}#`,
        `${issuer}?`,
        `HTTP://127.0.0.1:${port}`,
        `Http://127.0.0.1:${port}`,
        `https://127.0.0.1:${port}`,
        `http://localhost:${port}`,
        `http://LOCALHOST:${port}`,
        `http://127.1:${port}`,
        `http://127.0.0.1:0${port}`,
        `http://[::ffff:127.0.0.1]:${port}`,
        `http://user@127.0.0.1:${port}`,
        ` ${issuer}`,
        `${issuer} `,
        issuer.replace('http://', ''),
        context.issuerB.issuer,
        '',
        undefined,
        null,
        8080,
        true,
        [issuer],
        { iss: issuer },
      ];
      for (const iss of spellings) {
        await expectRejectedByBoth(context, await context.tokenA({ iss }), `iss ${JSON.stringify(iss)}`);
      }
    });
  });

  describe('claim types', function () {
    it('sub of wrong type rejected', async function () {
      for (const sub of [42, 0, {}, { id: 'user-a' }, ['user-a'], null, true, '']) {
        await expectRejectedByBoth(context, await context.tokenA({ sub }), `sub ${JSON.stringify(sub)}`);
      }
    });

    it('jti of wrong type rejected', async function () {
      for (const jti of [42, {}, ['id'], null, true]) {
        await expectRejectedByBoth(context, await context.tokenA({ jti }), `jti ${JSON.stringify(jti)}`);
      }
    });

    it('roles of wrong type grant nothing', async function () {
      const roleValues: unknown[] = [
        { admin: true },
        { 0: 'admin', length: 1 },
        [['admin']],
        [{ name: 'admin' }],
        'administrator',
        'xadmin',
        'admin ',
        ' admin',
        'ADMIN',
        'admin,editor',
        'admin editor',
        [' admin'],
        ['Admin'],
        null,
        1,
        true,
        [],
        '',
      ];
      for (const roles of roleValues) {
        const token = await context.tokenA({ roles });
        for (const [app, reply] of await sendToBoth(context, token, '/admin')) {
          expect(reply.status, `roles ${JSON.stringify(roles)} (${app}): ${reply.text}`).to.equal(403);
          expect(reply.body.code, `roles ${JSON.stringify(roles)} (${app})`).to.equal('insufficient_role');
        }
      }
    });

    it('roles naming admin accepted', async function () {
      for (const roles of ['admin', ['admin'], ['editor', 'admin'], [1, null, 'admin']]) {
        const token = await context.tokenA({ roles });
        for (const [app, reply] of await sendToBoth(context, token, '/admin')) {
          expect(reply.status, `roles ${JSON.stringify(roles)} (${app}): ${reply.text}`).to.equal(200);
        }
      }
    });

    it('space-delimited scp matched whole', async function () {
      const cases: Array<[unknown, number]> = [
        ['reports.read', 200],
        ['openid reports.read', 200],
        ['reports.reader', 403],
        ['reports', 403],
        ['reports.read.all', 403],
        ['openid,reports.read', 403],
        [{ 'reports.read': true }, 403],
        [['reports.read'], 200],
      ];
      for (const [scp, status] of cases) {
        const token = await context.tokenA({ scp });
        for (const [app, reply] of await sendToBoth(context, token, '/reports')) {
          expect(reply.status, `scp ${JSON.stringify(scp)} (${app}): ${reply.text}`).to.equal(status);
        }
      }
    });
  });

  describe('payload shape', function () {
    it('hand-signed object payload accepted', async function () {
      const token = signRawA(context, payloadTextA(context, `"exp":${nowSeconds() + 600}`));
      await expectAcceptedByBoth(context, token, 'hand-signed payload');
    });

    it('payload not JSON object rejected', async function () {
      const valid = payloadTextA(context, `"exp":${nowSeconds() + 600}`);
      const payloads = ['[]', `[${valid}]`, JSON.stringify(valid), '"string"', '42', '0', 'null', 'true', '{', '{invalid}', `${valid}x`, `${valid},{}`, `{"iss":"${context.issuerA.issuer}"`, ' ', '\u0000'];
      for (const payload of payloads) {
        await expectRejectedByBoth(context, signRawA(context, payload), `payload ${JSON.stringify(payload).slice(0, 40)}`);
      }
    });

    it('empty payload rejected', async function () {
      const token = signRawA(context, '');
      expect(token.split('.')[1], 'payload segment').to.equal('');
      await expectRejectedByBoth(context, token, 'empty payload');
    });

    it('header not JSON object rejected', async function () {
      const valid = payloadTextA(context, `"exp":${nowSeconds() + 600}`);
      const headers = ['[]', `[${JSON.stringify(RS256_HEADER)}]`, '"RS256"', '42', 'null', 'true', '{', `${JSON.stringify(RS256_HEADER)}x`, ''];
      for (const header of headers) {
        await expectRejectedByBoth(context, signRawA(context, valid, header), `header ${JSON.stringify(header)}`);
      }
    });
  });
});
