import { request, validateHeaderValue } from 'node:http';

import { expect } from 'chai';

import { wwwAuthenticate } from '../../src/adapters/auth-response.js';
import { ConfigurationError } from '../../src/index.js';
import { AuthError } from '../../src/verification/errors.js';
import { closedLoopbackPort } from '../support/ports.js';
import { get } from '../support/http.js';
import { makeKey } from '../support/test-issuer.js';
import { AUDIENCE_A, baseOptions, describeConformance, expectNothingLeaked, type ConformanceContext } from './harness.js';

const FORBIDDEN_DESCRIPTION = 'You do not have the required role(s) to access this resource.';

// Every message the library may show a client; anything else would be a detail that belongs in the log.
const GENERIC_MESSAGES = [
  'No token provided.',
  'The request is malformed.',
  'Token is invalid.',
  'Invalid token: Key not found.',
  'Token has expired.',
  FORBIDDEN_DESCRIPTION,
  'Authentication is temporarily unavailable.',
];

// The challenge as the library writes it: realm, then error with error_description, then scope on 403 only.
const CHALLENGE = /^Bearer realm="[^"\\\r\n]*"(?:, error="(invalid_request|invalid_token|insufficient_scope)", error_description="([^"\\\r\n]*)")?(?:, scope="([\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*)")?$/;

// Names of library classes and details of failures that no response may show.
const INTERNAL_NAMES = /AuthError|TokenVerifier|DocumentLoadError|IssuerMismatchError|ConfigurationError|ECONNREFUSED|fetch failed|well-known|\bat .+:\d+:\d+/;

/** A response with its header names as the server wrote them. */
interface RawReply {
  status: number;
  text: string;
  body: Record<string, unknown>;
  /** Header names and values in the order and spelling of the response. */
  rawHeaders: Array<[string, string]>;
  wwwAuthenticate: string | null;
}

/** Sends a GET with optional headers and keeps the raw header names, which `fetch` lowercases. */
function sendRaw(url: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const rawHeaders: Array<[string, string]> = [];
        for (let index = 0; index < response.rawHeaders.length; index += 2) {
          rawHeaders.push([response.rawHeaders[index], response.rawHeaders[index + 1]]);
        }
        const challenge = rawHeaders.find(([name]) => name.toLowerCase() === 'www-authenticate');
        resolve({ status: response.statusCode ?? 0, text, body: parseObject(text), rawHeaders, wwwAuthenticate: challenge?.[1] ?? null });
      });
    });
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`${url} got no response within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function parseObject(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Returns a loopback URL on a port that was just bound and closed, so nothing listens there. */
async function closedPortOrigin(): Promise<string> {
  return `http://127.0.0.1:${await closedLoopbackPort()}`;
}

/** One way a request fails: how to provoke it, the status and code it must return, and what it must not show. */
interface FailureKind {
  name: string;
  path: string;
  status: number;
  code: string;
  bearerError?: string;
  /** Prepares the configuration and returns the request headers, the query and the values that must not leak. */
  prepare(context: ConformanceContext): Promise<{ headers: Record<string, string>; query?: string; secrets: string[] }>;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const FAILURE_KINDS: FailureKind[] = [
  {
    name: 'missing token',
    path: '/any-token',
    status: 401,
    code: 'missing_token',
    prepare: async () => ({ headers: {}, secrets: [] }),
  },
  {
    name: 'header and query token',
    path: '/any-token',
    status: 400,
    code: 'invalid_request',
    bearerError: 'invalid_request',
    prepare: async (context) => {
      context.configure({ allowQueryToken: true });
      const token = await context.tokenA({ sub: 'secret-subject' });
      return { headers: bearer(token), query: `access_token=${token}`, secrets: [token, 'secret-subject'] };
    },
  },
  {
    name: 'repeated query token',
    path: '/any-token',
    status: 400,
    code: 'invalid_request',
    bearerError: 'invalid_request',
    prepare: async (context) => {
      context.configure({ allowQueryToken: true });
      const token = await context.tokenA({ sub: 'secret-subject' });
      return { headers: {}, query: `access_token=${token}&access_token=${token}`, secrets: [token, 'secret-subject'] };
    },
  },
  {
    name: 'malformed token',
    path: '/any-token',
    status: 401,
    code: 'invalid_token',
    bearerError: 'invalid_token',
    prepare: async () => ({ headers: bearer('secret-not-a-jwt'), secrets: ['secret-not-a-jwt'] }),
  },
  {
    name: 'characters outside b64token',
    path: '/any-token',
    status: 401,
    code: 'invalid_token',
    bearerError: 'invalid_token',
    prepare: async () => ({ headers: { authorization: 'Bearer secret"value\\' }, secrets: ['secret'] }),
  },
  {
    name: 'wrong audience',
    path: '/any-token',
    status: 401,
    code: 'invalid_token',
    bearerError: 'invalid_token',
    prepare: async (context) => {
      const token = await context.tokenA({ aud: 'api://secret-audience', email: 'jane@example.com' });
      return { headers: bearer(token), secrets: [token, 'secret-audience', 'jane@example.com', AUDIENCE_A, context.issuerA.issuer] };
    },
  },
  {
    name: 'bad signature',
    path: '/any-token',
    status: 401,
    code: 'invalid_token',
    bearerError: 'invalid_token',
    prepare: async (context) => {
      const token = await context.tokenA({ sub: 'secret-subject' });
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
      return { headers: bearer(forged), secrets: [forged, 'secret-subject', context.issuerA.keys[0].kid] };
    },
  },
  {
    name: 'unknown key id',
    path: '/any-token',
    status: 401,
    code: 'key_not_found',
    bearerError: 'invalid_token',
    prepare: async (context) => {
      const key = await makeKey('secret-key-id', 'RS256');
      const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'secret-subject' }, { key });
      return { headers: bearer(token), secrets: [token, 'secret-key-id', 'secret-subject', context.issuerA.issuer] };
    },
  },
  {
    name: 'expired token',
    path: '/any-token',
    status: 401,
    code: 'token_expired',
    bearerError: 'invalid_token',
    prepare: async (context) => {
      const now = Math.floor(Date.now() / 1000);
      const token = await context.tokenA({ sub: 'secret-subject', iat: now - 7200, exp: now - 3600 });
      return { headers: bearer(token), secrets: [token, 'secret-subject', String(now - 3600)] };
    },
  },
  {
    name: 'missing role',
    path: '/admin',
    status: 403,
    code: 'insufficient_role',
    bearerError: 'insufficient_scope',
    prepare: async (context) => {
      const token = await context.tokenA({ sub: 'secret-subject', roles: ['secret-role'] });
      return { headers: bearer(token), secrets: [token, 'secret-subject', 'secret-role', context.issuerA.issuer] };
    },
  },
  {
    name: 'unreachable provider',
    path: '/any-token',
    status: 500,
    code: 'provider_unavailable',
    prepare: async (context) => {
      const origin = await closedPortOrigin();
      const providers = [...(baseOptions(context).providers ?? []), { oidcUrls: [`${origin}/.well-known/openid-configuration`], audiences: ['api://secret-audience'] }];
      context.configure({ providers });
      const token = await context.tokenA({ iss: origin, aud: 'api://secret-audience', sub: 'secret-subject' });
      return { headers: bearer(token), secrets: [token, origin, new URL(origin).port, 'secret-audience', 'secret-subject'] };
    },
  },
  {
    name: 'issuer mismatch',
    path: '/any-token',
    status: 500,
    code: 'provider_unavailable',
    prepare: async (context) => {
      const expected = 'http://127.0.0.1:1/secret-issuer';
      const providers = [...(baseOptions(context).providers ?? []), { oidcUrls: [context.issuerA.discoveryUrl], audiences: [AUDIENCE_A], issuer: expected }];
      context.configure({ providers });
      const token = await context.tokenA({ iss: expected, sub: 'secret-subject' });
      return { headers: bearer(token), secrets: [token, expected, 'secret-issuer', context.issuerA.issuer, 'secret-subject'] };
    },
  },
];

describeConformance('responses', (context) => {
  it('401 without token names only the realm', async function () {
    const reply = await get(`${context.guarded.baseUrl}/me`);
    expect(reply.status).to.equal(401);
    expect(reply.wwwAuthenticate).to.equal('Bearer realm="api"');
    expect(reply.body).to.deep.equal({ name: 'UnauthorizedError', message: 'No token provided.', code: 'missing_token' });
  });

  it('invalid token shows nothing from the token', async function () {
    const kid = context.issuerA.keys[0].kid;
    const token = await context.tokenA({ aud: 'api://secret-audience', sub: 'secret-subject', email: 'jane@example.com' });
    for (const app of [context.guarded, context.unguarded]) {
      const reply = await get(`${app.baseUrl}/any-token`, { token });
      expect(reply.status).to.equal(401);
      expect(reply.wwwAuthenticate).to.equal('Bearer realm="api", error="invalid_token", error_description="Token is invalid."');
      expectNothingLeaked(reply, [token, kid, 'secret-audience', 'secret-subject', 'jane@example.com', context.issuerA.issuer, AUDIENCE_A]);
    }
  });

  describe('failure kinds', function () {
    for (const kind of FAILURE_KINDS) {
      it(`${kind.name} answers ${kind.status} ${kind.code}`, async function () {
        for (const [app, running] of [
          ['guarded', context.guarded],
          ['unguarded', context.unguarded],
        ] as const) {
          const { headers, query } = await kind.prepare(context);
          const reply = await sendRaw(`${running.baseUrl}${kind.path}${query === undefined ? '' : `?${query}`}`, headers);
          expect(reply.status, `${app}: ${reply.text}`).to.equal(kind.status);
          expect(reply.body, app).to.have.all.keys('name', 'message', 'code');
          expect(reply.body.code, app).to.equal(kind.code);
          expect(reply.body.message, app).to.be.oneOf(GENERIC_MESSAGES);
        }
      });

      it(`${kind.name} challenge is well-formed`, async function () {
        for (const [app, running] of [
          ['guarded', context.guarded],
          ['unguarded', context.unguarded],
        ] as const) {
          const { headers, query } = await kind.prepare(context);
          const reply = await sendRaw(`${running.baseUrl}${kind.path}${query === undefined ? '' : `?${query}`}`, headers);
          const challengeNames = reply.rawHeaders.map(([name]) => name).filter((name) => name.toLowerCase() === 'www-authenticate');
          if (kind.status === 500) {
            expect(challengeNames, app).to.deep.equal([]);
            continue;
          }
          expect(challengeNames, app).to.deep.equal(['WWW-Authenticate']);
          const match = CHALLENGE.exec(reply.wwwAuthenticate ?? '');
          expect(match, `${app}: ${reply.wwwAuthenticate}`).to.not.equal(null);
          expect(match?.[1], app).to.equal(kind.bearerError);
          if (kind.bearerError !== undefined) {
            expect(match?.[2], app).to.equal(reply.body.message);
          }
          expect(match?.[3] !== undefined, `${app}: scope only on 403`).to.equal(kind.status === 403);
        }
      });

      it(`${kind.name} leaks nothing`, async function () {
        for (const [app, running] of [
          ['guarded', context.guarded],
          ['unguarded', context.unguarded],
        ] as const) {
          const { headers, query, secrets } = await kind.prepare(context);
          const reply = await sendRaw(`${running.baseUrl}${kind.path}${query === undefined ? '' : `?${query}`}`, headers);
          const allHeaders = reply.rawHeaders.map(([name, value]) => `${name}: ${value}`).join('\n');
          expectNothingLeaked({ status: reply.status, body: reply.body, text: `${reply.text}\n${allHeaders}`, wwwAuthenticate: reply.wwwAuthenticate }, secrets);
          expect(`${reply.text}\n${allHeaders}`, app).to.not.match(INTERNAL_NAMES);
          expect(reply.text, app).to.not.match(/127\.0\.0\.1|https?:/);
        }
      });
    }
  });

  describe('realm option', function () {
    const unsafeRealms: Array<[string, string]> = [
      ['a quote', 'api", error="none'],
      ['a line break', 'api\r\nX-Injected: 1'],
      ['a bare line feed', 'api\nX-Injected: 1'],
      ['a carriage return', 'api\r'],
      ['a backslash', 'api\\'],
      ['a tab', 'api\tv2'],
      ['a NUL byte', 'api\u0000'],
      ['non-ASCII', 'äpi'],
      ['a line separator', 'api\u2028'],
    ];

    for (const [name, realm] of unsafeRealms) {
      it(`realm with ${name} is rejected`, function () {
        expect(() => context.configure({ realm }))
          .to.throw(ConfigurationError)
          .with.property('option', 'realm');
      });
    }

    it('rejected realm keeps previous configuration', async function () {
      expect(() => context.configure({ realm: 'api"' })).to.throw(ConfigurationError);
      const reply = await get(`${context.guarded.baseUrl}/any-token`);
      expect(reply.status).to.equal(401);
      expect(reply.wwwAuthenticate).to.equal('Bearer realm="api"');
    });

    it('safe realm appears verbatim', async function () {
      context.configure({ realm: 'orders api, v2 (eu)' });
      for (const app of [context.guarded, context.unguarded]) {
        const reply = await get(`${app.baseUrl}/any-token`);
        expect(reply.wwwAuthenticate).to.equal('Bearer realm="orders api, v2 (eu)"');
      }
    });
  });
});

describe('wwwAuthenticate role names', function () {
  const hostileRoles = [
    'ad"min',
    'admin\r\nX-Injected: 1',
    'admin\nSet-Cookie: a=b',
    'admin\r',
    'back\\slash',
    'with space',
    'tab\there',
    'ünïcödé',
    'line\u2028separator',
    'nul\u0000byte',
    '", error="invalid_token',
    ',scope="everything"',
    '',
    '"',
  ];

  it('hostile role names keep one valid line', function () {
    for (const role of hostileRoles) {
      const header = wwwAuthenticate(new AuthError('insufficient_role'), 'api', [role, 'reader']) ?? '';
      expect(header, JSON.stringify(role)).to.not.match(/[\r\n\u2028]/);
      expect(header, JSON.stringify(role)).to.not.include('\u0000');
      expect(() => validateHeaderValue('WWW-Authenticate', header), JSON.stringify(role)).to.not.throw();
      expect(CHALLENGE.exec(header), `${JSON.stringify(role)}: ${header}`).to.not.equal(null);
    }
  });

  it('hostile role names add no attribute', function () {
    for (const role of hostileRoles) {
      const header = wwwAuthenticate(new AuthError('insufficient_role'), 'api', [role]) ?? '';
      const attributes = [...header.matchAll(/(?:^Bearer |, )([a-z_]+)="/g)].map((match) => match[1]);
      expect(attributes.join(' '), `${JSON.stringify(role)}: ${header}`).to.be.oneOf(['realm error error_description', 'realm error error_description scope']);
    }
  });

  it('unusable role names give no scope', function () {
    const header = wwwAuthenticate(new AuthError('insufficient_role'), 'api', ['', '"', ' ', '\r\n', 'ü']);
    expect(header).to.equal(`Bearer realm="api", error="insufficient_scope", error_description="${FORBIDDEN_DESCRIPTION}"`);
  });

  it('scope lists every usable role once', function () {
    const header = wwwAuthenticate(new AuthError('insufficient_role'), 'api', ['reports.read', 'admin', 'a:b/c']);
    expect(header).to.match(/, scope="reports\.read admin a:b\/c"$/);
  });

  it('scope appears on 403 only', function () {
    for (const code of ['missing_token', 'invalid_request', 'invalid_token', 'key_not_found', 'token_expired'] as const) {
      const header = wwwAuthenticate(new AuthError(code), 'api', ['admin']);
      expect(header, code).to.not.include('scope=');
    }
  });
});
