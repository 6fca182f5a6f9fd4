import { request } from 'node:http';

import { expect } from 'chai';

import { describeConformance } from './harness.js';

/** Status, body and challenge of a response to a raw request. */
interface RawReply {
  status: number;
  text: string;
  body: Record<string, unknown>;
  wwwAuthenticate: string | undefined;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends `path` to `baseUrl` exactly as written, without the normalization `fetch` applies to dot
 * segments and encoded characters, and fails on a hang.
 */
function send(baseUrl: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const header = response.headers['www-authenticate'];
        resolve({ status: response.statusCode ?? 0, text, body: parseObject(text), wwwAuthenticate: header });
      });
      response.on('error', reject);
    });
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new Error(`${path} got no response within ${REQUEST_TIMEOUT_MS} ms`)));
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

/** Asserts that a request without a token did not reach a protected handler. */
function expectBlocked(reply: RawReply, path: string): void {
  expect(reply.status, `${path}: ${reply.text}`).to.be.oneOf([401, 404]);
  expect(reply.body.protected, `${path} reached a protected handler`).to.equal(undefined);
  expect(reply.body.sub, `${path} reached a protected handler`).to.equal(undefined);
  if (reply.status === 401) {
    expect(reply.body.code, path).to.equal('missing_token');
    expect(reply.wwwAuthenticate, path).to.equal('Bearer realm="api"');
  }
}

// Spellings of protected routes that a path check could mistake for an excluded path or miss.
const PROTECTED_SPELLINGS: Array<[string, string[]]> = [
  ['case variants', ['/PUBLICITY', '/Publicity', '/Any-Token', '/ANY-TOKEN', '/Public-Admin', '/ADMIN']],
  ['trailing slash', ['/any-token/', '/publicity/', '/public-admin/', '/admin/', '/me/']],
  ['encoded characters', ['/%70ublicity', '/%50UBLICITY', '/any%2Dtoken', '/%61ny-token', '/public%2Dadmin', '/any-token%20']],
  [
    'encoded dot segments',
    [
      '/public%2F..%2Fany-token',
      '/public%2f..%2fany-token',
      '/public/%2e%2e/any-token',
      '/public/%2E%2E/any-token',
      '/public/.%2e/any-token',
      '/public/%2e%2e%2fany-token',
      '/public/..%2Fany-token',
      '/public/..%2fpublicity',
      '/public/%2e%2e/public-admin',
      '/health/%2e%2e/me',
      '/%2e%2e/any-token',
    ],
  ],
  [
    'dot segments',
    [
      '/public/../any-token',
      '/public/./../any-token',
      '/public/../../any-token',
      '/public/../publicity',
      '/public/whoami/../../admin',
      '/health/../any-token',
      '/health/../me',
      '/./any-token',
      '/public/..',
    ],
  ],
  ['double slashes', ['//any-token', '/.//any-token', '//publicity', '/public//../any-token', '//admin']],
  ['parameters', ['/any-token;x=1', '/publicity;jsessionid=1', '/public;/../any-token', '/public/..;/any-token', '/health;/../me']],
  ['other tricks', ['/public%00/../any-token', '/public/..\\any-token', '/public/%252e%252e/any-token', '/any-token#/public', '/any-token?/public/', '*']],
];

describeConformance('excluded paths', (context) => {
  describe('prefix entry', function () {
    for (const path of ['/publicity', '/public-admin']) {
      it(`${path} needs a token`, async function () {
        expectBlocked(await send(context.guarded.baseUrl, path), path);
      });

      it(`${path} opens with a token`, async function () {
        const token = await context.tokenA();
        const reply = await send(context.guarded.baseUrl, path, { headers: { authorization: `Bearer ${token}` } });
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body.protected).to.equal(path.slice(1));
      });
    }

    for (const path of ['/public', '/public/', '/PUBLIC', '/Public/', '/public?x=1', '/public/?x=/any-token']) {
      it(`${path} passes without token`, async function () {
        const reply = await send(context.guarded.baseUrl, path);
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body).to.deep.equal({ public: true });
      });
    }

    for (const path of ['/public/whoami', '/PUBLIC/WHOAMI', '/Public/WhoAmI/', '/public/whoami?x=1']) {
      it(`${path} passes without token`, async function () {
        const reply = await send(context.guarded.baseUrl, path);
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body).to.deep.equal({ user: null });
      });
    }

    it('excluded path still reads a sent token', async function () {
      const token = await context.tokenA();
      const reply = await send(context.guarded.baseUrl, '/public/whoami', { headers: { authorization: `Bearer ${token}` } });
      expect(reply.status, reply.text).to.equal(200);
      expect((reply.body.user as Record<string, unknown>).sub).to.equal('user-a');
    });

    it('excluded path refuses an invalid sent token', async function () {
      const token = await context.tokenA({ aud: 'api://provider-c' });
      const reply = await send(context.guarded.baseUrl, '/public/whoami', { headers: { authorization: `Bearer ${token}` } });
      expect(reply.status, reply.text).to.equal(401);
      expect(reply.body.code).to.equal('invalid_token');
    });
  });

  describe('exact entry', function () {
    for (const path of ['/health', '/health/', '/HEALTH', '/Health/', '/health?probe=1']) {
      it(`${path} passes without token`, async function () {
        const reply = await send(context.guarded.baseUrl, path);
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body).to.deep.equal({ healthy: true });
      });
    }

    for (const path of ['/healthz', '/health/x', '/health/.', '/health/..', '/health.json', '/health//', '/healthcheck']) {
      it(`${path} needs a token`, async function () {
        expectBlocked(await send(context.guarded.baseUrl, path), path);
      });
    }
  });

  describe('protected spellings', function () {
    for (const [kind, paths] of PROTECTED_SPELLINGS) {
      it(`${kind} need a token`, async function () {
        for (const path of paths) {
          expectBlocked(await send(context.guarded.baseUrl, path), path);
        }
      });
    }

    it('absolute-form targets need a token', async function () {
      const origin = context.guarded.baseUrl;
      for (const path of [`${origin}/any-token`, `${origin}/public/../any-token`, `${origin}/public/%2e%2e/publicity`, `${origin}//admin`]) {
        expectBlocked(await send(origin, path), path);
      }
    });

    it('HEAD needs a token', async function () {
      for (const path of ['/any-token', '/publicity', '/public/../any-token']) {
        const reply = await send(context.guarded.baseUrl, path, { method: 'HEAD' });
        expect(reply.status, path).to.be.oneOf([401, 404]);
      }
    });
  });

  describe('CORS preflight', function () {
    const preflightHeaders = { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'GET' };

    it('preflight needs a token by default', async function () {
      for (const path of ['/any-token', '/admin', '/me']) {
        expectBlocked(await send(context.guarded.baseUrl, path, { method: 'OPTIONS', headers: preflightHeaders }), path);
      }
    });

    it('allowPreflight lets preflight through', async function () {
      context.configure({ allowPreflight: true });
      for (const path of ['/any-token', '/admin', '/me', '/nested/admin']) {
        const reply = await send(context.guarded.baseUrl, path, { method: 'OPTIONS', headers: preflightHeaders });
        expect(reply.status, `${path}: ${reply.text}`).to.be.within(200, 299);
        expect(reply.wwwAuthenticate, path).to.equal(undefined);
        expect(reply.body.sub, `${path} reached a protected handler`).to.equal(undefined);
      }
    });

    const partialHeaders: Array<[string, Record<string, string>]> = [
      ['no preflight headers', {}],
      ['Origin only', { origin: preflightHeaders.origin }],
      ['request method only', { 'access-control-request-method': 'GET' }],
    ];

    for (const [name, headers] of partialHeaders) {
      it(`OPTIONS with ${name} needs a token`, async function () {
        context.configure({ allowPreflight: true });
        for (const path of ['/any-token', '/admin']) {
          expectBlocked(await send(context.guarded.baseUrl, path, { method: 'OPTIONS', headers }), path);
        }
      });
    }

    for (const method of ['GET', 'HEAD', 'POST', 'DELETE']) {
      it(`${method} never passes as preflight`, async function () {
        context.configure({ allowPreflight: true });
        const reply = await send(context.guarded.baseUrl, '/any-token', { method, headers: preflightHeaders });
        expect(reply.status, reply.text).to.equal(401);
        expect(reply.body.sub).to.equal(undefined);
      });
    }
  });
});
