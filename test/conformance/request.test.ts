import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import { expect } from 'chai';

import { get, type Reply } from '../support/http.js';
import { describeConformance, type ConformanceContext } from './harness.js';

const DOCUMENT_PATHS = ['/.well-known/openid-configuration', '/jwks'];
const UNAUTHENTICATED = ['missing_token', 'invalid_token'];
// Node's default --max-http-header-size, in bytes (Node 20).
const NODE_MAX_HEADER_BYTES = 16 * 1024;

/** The status and body of a raw request, or the error that ended its connection. */
interface RawReply {
  status?: number;
  body: Record<string, unknown>;
  text: string;
  error?: string;
}

/**
 * Sends a GET with `node:http`, which writes each header value as latin1 bytes and sends one header
 * line per array element. `fetch` rejects characters above U+00FF and joins repeated values into one line.
 */
function rawGet(url: string, headers: Record<string, string | string[]>): Promise<RawReply> {
  return new Promise((resolve) => {
    const request = httpRequest(url, { method: 'GET', agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: response.statusCode, body: parseObject(text), text });
      });
    });
    for (const [name, value] of Object.entries(headers)) {
      request.setHeader(name, value);
    }
    request.on('error', (error) => resolve({ body: {}, text: '', error: error.message }));
    request.end();
  });
}

/** Writes `head` (a request line and headers) on a new socket and returns the status line received. */
function rawSocketStatus(baseUrl: string, head: Buffer): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').split('\r\n')[0]));
    socket.on('error', () => undefined);
  });
}

/**
 * Returns another spelling of a base64url segment that decodes to the same bytes (its last
 * character differs only in the unused low bits), or `undefined` when the segment has no unused bits.
 */
function nonCanonicalSpelling(part: string): string | undefined {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = Buffer.from(part, 'base64url');
  for (const character of alphabet) {
    const candidate = `${part.slice(0, -1)}${character}`;
    if (candidate !== part && Buffer.from(candidate, 'base64url').equals(bytes)) {
      return candidate;
    }
  }
  return undefined;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function sendToBoth(context: ConformanceContext, auth?: { token?: string; authorization?: string }, query = ''): Promise<Array<[string, Reply]>> {
  return [
    ['middleware', await get(`${context.guarded.baseUrl}/any-token${query}`, auth)],
    ['checker', await get(`${context.unguarded.baseUrl}/any-token${query}`, auth)],
  ];
}

function expectOnlyDocumentRequests(context: ConformanceContext): void {
  for (const issuer of [context.issuerA, context.issuerB]) {
    const unexpected = issuer.requests.filter((path) => !DOCUMENT_PATHS.includes(path));
    expect(unexpected, `requests to ${issuer.issuer} other than its documents`).to.deep.equal([]);
  }
  expect(context.trap.requests, 'requests to the trap server').to.deep.equal([]);
}

async function expectAuthorizationRejected(context: ConformanceContext, authorization: string, codes = UNAUTHENTICATED): Promise<void> {
  for (const [app, reply] of await sendToBoth(context, { authorization })) {
    expect(reply.status, `${JSON.stringify(authorization).slice(0, 60)} (${app}): ${reply.text}`).to.equal(401);
    expect(reply.body.code, `${JSON.stringify(authorization).slice(0, 60)} (${app})`).to.be.oneOf(codes);
  }
  expectOnlyDocumentRequests(context);
}

async function expectAuthorizationAccepted(context: ConformanceContext, authorization: string): Promise<void> {
  for (const [app, reply] of await sendToBoth(context, { authorization })) {
    expect(reply.status, `${JSON.stringify(authorization).slice(0, 60)} (${app}): ${reply.text}`).to.equal(200);
    expect(reply.body.sub, `${JSON.stringify(authorization).slice(0, 60)} (${app})`).to.equal('user-a');
  }
}

async function expectQueryRejected(context: ConformanceContext, query: string, statuses: number[], codes: string[], auth?: { token: string }): Promise<void> {
  for (const [app, reply] of await sendToBoth(context, auth, query)) {
    expect(reply.status, `${query.slice(0, 60)} (${app}): ${reply.text}`).to.be.oneOf(statuses);
    expect(reply.body.code, `${query.slice(0, 60)} (${app})`).to.be.oneOf(codes);
  }
}

describeConformance('request', (context) => {
  describe('Authorization header', function () {
    it('scheme in any case accepted', async function () {
      const token = await context.tokenA();
      for (const scheme of ['Bearer', 'bearer', 'BEARER', 'BeArEr', 'bEARER']) {
        await expectAuthorizationAccepted(context, `${scheme} ${token}`);
      }
    });

    it('extra spaces around token accepted', async function () {
      const token = await context.tokenA();
      for (const authorization of [`Bearer  ${token}`, `Bearer     ${token}`, `Bearer ${token} `, `Bearer ${token}    `, `Bearer   ${token}   `, ` Bearer ${token}`, `\tBearer ${token}\t`]) {
        await expectAuthorizationAccepted(context, authorization);
      }
    });

    it('other separators and schemes rejected', async function () {
      const token = await context.tokenA();
      const values = [
        `Bearer\t${token}`,
        `Bearer \t${token}`,
        `Bearer\u00a0${token}`,
        `Bearer:${token}`,
        `Bearer: ${token}`,
        `Bearer,${token}`,
        `Bearer=${token}`,
        `Bearer${token}`,
        `Basic ${Buffer.from('user-a:password').toString('base64')}`,
        `Basic ${token}`,
        `Token ${token}`,
        `JWT ${token}`,
        `DPoP ${token}`,
        `Bearerx ${token}`,
        `B ${token}`,
        token,
      ];
      for (const authorization of values) {
        await expectAuthorizationRejected(context, authorization);
      }
    });

    it('scheme without token rejected', async function () {
      for (const authorization of ['Bearer', 'Bearer ', 'Bearer    ', 'bearer', '', ' ']) {
        await expectAuthorizationRejected(context, authorization, ['missing_token']);
      }
    });

    it('more than one token rejected', async function () {
      const token = await context.tokenA();
      const values = [
        `Bearer ${token} extra`,
        `Bearer ${token} ${token}`,
        `Bearer ${token}, Bearer ${token}`,
        `Bearer ${token},Bearer ${token}`,
        `Bearer ${token},${token}`,
        `Bearer ${token};`,
        `Bearer "${token}"`,
        `Bearer ${token}\tx`,
        `Bearer x ${token}`,
      ];
      for (const authorization of values) {
        await expectAuthorizationRejected(context, authorization);
      }
    });

    it('repeated Authorization header rejected', async function () {
      const token = await context.tokenA();
      const pairs = [
        [`Bearer ${token}`, 'Bearer not-a-token'],
        [`Bearer ${token}`, `Bearer ${token}`],
        ['Bearer not-a-token', `Bearer ${token}`],
        [`Bearer ${token}`, 'Basic dXNlcjpwYXNzd29yZA=='],
      ];
      for (const values of pairs) {
        for (const app of [context.guarded, context.unguarded]) {
          const reply = await rawGet(`${app.baseUrl}/any-token`, { authorization: values });
          const label = `two headers ${values.map((value) => value.slice(0, 20)).join(' | ')}`;
          expect(reply.status, `${label}: ${reply.text}`).to.equal(400);
          expect(reply.body.code, label).to.equal('invalid_request');
        }
      }
    });
  });

  describe('query token', function () {
    it('query token ignored by default', async function () {
      const token = await context.tokenA();
      await expectQueryRejected(context, `?access_token=${token}`, [401], ['missing_token']);
    });

    it('query token accepted when allowed', async function () {
      context.configure({ allowQueryToken: true });
      for (const [app, reply] of await sendToBoth(context, undefined, `?access_token=${await context.tokenA()}`)) {
        expect(reply.status, `${app}: ${reply.text}`).to.equal(200);
        expect(reply.body.sub, app).to.equal('user-a');
      }
    });

    it('header ignores query when not allowed', async function () {
      const token = await context.tokenA();
      for (const [app, reply] of await sendToBoth(context, { token }, '?access_token=not-a-token')) {
        expect(reply.status, `${app}: ${reply.text}`).to.equal(200);
      }
    });

    it('repeated header in any case rejected', async function () {
      const token = await context.tokenA();
      const spellings = [
        ['Authorization', 'authorization'],
        ['Authorization', 'AUTHORIZATION'],
        ['aUtHoRiZaTiOn', 'authorization'],
      ];
      for (const [first, second] of spellings) {
        for (const app of [context.guarded, context.unguarded]) {
          const head = `GET /any-token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${first}: Bearer ${token}\r\n${second}: Bearer ${token}\r\n\r\n`;
          const statusLine = await rawSocketStatus(app.baseUrl, Buffer.from(head));
          expect(statusLine, `${first} and ${second}`).to.match(/^HTTP\/1\.1 400 /);
        }
      }
    });

    it('header and query together rejected', async function () {
      context.configure({ allowQueryToken: true });
      const token = await context.tokenA();
      await expectQueryRejected(context, `?access_token=${token}`, [400], ['invalid_request'], { token });
      await expectQueryRejected(context, '?access_token=not-a-token', [400], ['invalid_request'], { token });
    });

    it('repeated query token rejected', async function () {
      context.configure({ allowQueryToken: true });
      const token = await context.tokenA();
      await expectQueryRejected(context, `?access_token=${token}&access_token=${token}`, [400], ['invalid_request']);
      await expectQueryRejected(context, `?access_token=${token}&access_token=other`, [400], ['invalid_request']);
      await expectQueryRejected(context, `?access_token=&access_token=${token}`, [400], ['invalid_request']);
    });

    it('query token of other shape rejected', async function () {
      context.configure({ allowQueryToken: true });
      const token = await context.tokenA();
      const queries = [`?access_token[]=${token}`, `?access_token[a]=${token}`, `?access_token[0]=${token}`, '?access_token=', '?access_token', `?access_token=${token}%20x`, `?access_token=%00${token}`, `?access_token=${token}%2C${token}`];
      for (const query of queries) {
        await expectQueryRejected(context, query, [400, 401], ['missing_token', 'invalid_token', 'invalid_request']);
      }
    });
  });

  describe('token length', function () {
    it('length limit checked before decoding', async function () {
      const token = await context.tokenA();
      context.configure({ maxTokenLength: 100, allowQueryToken: true });
      const requestsBefore = context.issuerA.requests.length;
      for (const [app, reply] of await sendToBoth(context, { token })) {
        expect(reply.status, `header (${app}): ${reply.text}`).to.equal(401);
        expect(reply.body.code, `header (${app})`).to.equal('invalid_token');
      }
      await expectQueryRejected(context, `?access_token=${token}`, [401], ['invalid_token']);
      expect(context.issuerA.requests.slice(requestsBefore), 'requests to provider A').to.deep.equal([]);
    });

    it('token of exactly max length accepted', async function () {
      const token = await context.tokenA();
      context.configure({ maxTokenLength: token.length });
      await expectAuthorizationAccepted(context, `Bearer ${token}`);
      context.configure({ maxTokenLength: token.length - 1 });
      await expectAuthorizationRejected(context, `Bearer ${token}`, ['invalid_token']);
    });

    it('header just under Node limit rejected', async function () {
      const token = await context.tokenA();
      const [header, payload] = token.split('.');
      const long = `${header}.${payload}.${'A'.repeat(15_000 - header.length - payload.length)}`;
      await expectAuthorizationRejected(context, `Bearer ${long}`, ['invalid_token']);
      context.configure({ maxTokenLength: 15_500 });
      await expectAuthorizationRejected(context, `Bearer ${long}`, ['invalid_token']);
    });

    it('header over Node limit answered 431', async function () {
      const token = await context.tokenA();
      for (const length of [NODE_MAX_HEADER_BYTES + 100, 64 * 1024, 1024 * 1024]) {
        for (const app of [context.guarded, context.unguarded]) {
          const reply = await rawGet(`${app.baseUrl}/any-token`, { authorization: `Bearer ${'a'.repeat(length)}` });
          // Node's HTTP parser responds with 431 and closes the connection, so a client still writing a 1 MB header may see the reset first.
          if (reply.error === undefined) {
            expect(reply.status, `header of ${length} bytes`).to.equal(431);
          } else {
            expect(reply.error, `header of ${length} bytes`).to.match(/ECONNRESET|EPIPE|socket hang up/);
          }
          const after = await get(`${app.baseUrl}/any-token`, { token });
          expect(after.status, `valid token after a header of ${length} bytes`).to.equal(200);
        }
      }
    });
  });

  describe('token characters and segments', function () {
    it('malformed base64url rejected', async function () {
      const token = await context.tokenA();
      const [header, payload, signature] = token.split('.');
      const toBase64 = (part: string): string => Buffer.from(part, 'base64url').toString('base64');
      const insert = (part: string, character: string): string => `${part.slice(0, 10)}${character}${part.slice(10)}`;
      const tokens: string[] = [];
      for (const character of ['+', '/', '=', '%', '%2E', ' ', '!', '*', '\\', '"', '~']) {
        tokens.push(`${insert(header, character)}.${payload}.${signature}`);
        tokens.push(`${header}.${insert(payload, character)}.${signature}`);
        tokens.push(`${header}.${payload}.${insert(signature, character)}`);
      }
      tokens.push(
        `${header}=.${payload}.${signature}`,
        `${header}.${payload}==.${signature}`,
        `${header}.${payload}.${signature}=`,
        `${header}.${payload}.${signature}==`,
        `${toBase64(header)}.${toBase64(payload)}.${toBase64(signature)}`,
        `${header}.${payload}.${toBase64(signature)}`,
        `${header}.${payload}.${signature.slice(0, -1)}`,
        `${header}.${payload}.${signature}A`,
        `${header.slice(0, -1)}.${payload}.${signature}`,
        `${header}.${payload.slice(0, -1)}.${signature}`,
      );
      for (const malformed of tokens) {
        await expectAuthorizationRejected(context, `Bearer ${malformed}`, ['invalid_token']);
      }
    });

    it('non-canonical base64url rejected', async function () {
      const token = await context.tokenA();
      const parts = token.split('.');
      let changed = 0;
      for (let index = 0; index < parts.length; index += 1) {
        const alternative = nonCanonicalSpelling(parts[index]);
        if (alternative === undefined) {
          continue;
        }
        changed += 1;
        const malformed = parts.map((part, position) => (position === index ? alternative : part)).join('.');
        await expectAuthorizationRejected(context, `Bearer ${malformed}`, ['invalid_token']);
      }
      expect(changed, 'segments with unused bits').to.be.at.least(1);
    });

    it('non-ASCII header bytes rejected', async function () {
      const token = await context.tokenA();
      const [header, payload, signature] = token.split('.');
      // Each value is written as latin1, so each character below 256 is one byte on the wire.
      const values = [
        `Bearer ${token}\u00e9`,
        `Bearer \u00e9${token}`,
        `Bearer ${header}.${payload}\u00ff.${signature}`,
        `Bearer ${header}.${payload}.${signature}${Buffer.from('\u20ac').toString('latin1')}`,
        `Bearer\u00a0${token}`,
        `Bearer ${token}\u0080`,
        `B\u00e9arer ${token}`,
      ];
      for (const authorization of values) {
        for (const app of [context.guarded, context.unguarded]) {
          const reply = await rawGet(`${app.baseUrl}/any-token`, { authorization });
          expect(reply.status, `${JSON.stringify(authorization.slice(-12))}: ${reply.text}`).to.equal(401);
          expect(reply.body.code, JSON.stringify(authorization.slice(-12))).to.be.oneOf(UNAUTHENTICATED);
        }
      }
    });

    it('control bytes answered 4xx', async function () {
      const token = await context.tokenA();
      for (const app of [context.guarded, context.unguarded]) {
        for (const byte of [0x00, 0x01, 0x7f, 0x0b, 0x0c]) {
          const head = Buffer.concat([
            Buffer.from(`GET /any-token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${token.slice(0, 20)}`),
            Buffer.from([byte]),
            Buffer.from(`${token.slice(20)}\r\n\r\n`),
          ]);
          const statusLine = await rawSocketStatus(app.baseUrl, head);
          expect(statusLine, `byte 0x${byte.toString(16)}`).to.match(/^HTTP\/1\.1 4\d\d /);
        }
        const after = await get(`${app.baseUrl}/any-token`, { token });
        expect(after.status, 'valid token after control bytes').to.equal(200);
      }
    });

    it('wrong segment counts rejected', async function () {
      const token = await context.tokenA();
      const [header, payload, signature] = token.split('.');
      const tokens = [
        header,
        `${header}.${payload}`,
        `${token}.${signature}`,
        `${header}.${payload}.${signature}.${signature}.${signature}`,
        `${header}..${payload}.${signature}.${signature}`,
        `${token}.`,
        `.${token}`,
        `${header}..${signature}`,
        `.${payload}.${signature}`,
        `${header}.${payload}.`,
        '.',
        '..',
        '...',
        '....',
        `${header}..`,
        `..${signature}`,
      ];
      for (const malformed of tokens) {
        await expectAuthorizationRejected(context, `Bearer ${malformed}`, ['invalid_token']);
      }
    });
  });
});
