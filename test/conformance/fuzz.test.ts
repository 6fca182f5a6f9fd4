import { connect } from 'node:net';

import { expect } from 'chai';
import fc from 'fast-check';

import { revokeToken } from '../../src/index.js';
import type { RunningApp } from '../support/test-apps.js';
import { AUDIENCE_B, describeConformance, segment } from './harness.js';

// A fixed seed, so that a failure in CI can be replayed. `npm run fuzz` runs more cases from the same seed.
const FIXED_SEED = 1_947_215;
// 3000 runs took about 8 s on Koa and 12 s on Express on a 2-core machine with Node 20.
// `npm run fuzz` sets FUZZ_RUNS for a long run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const REQUEST_TIMEOUT_MS = 10_000;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CRLF = Buffer.from('\r\n', 'latin1');

/** One generated `Authorization` header value: its bytes on the wire and a label for failure messages. */
interface HeaderInput {
  kind: string;
  value: Buffer;
}

/**
 * Returns a header input that fast-check prints as its kind and latin1 text, with every byte outside
 * printable ASCII escaped, instead of as a byte list.
 */
function headerInput(kind: string, value: Buffer): HeaderInput {
  return {
    kind,
    value,
    [fc.toStringMethod]: () => `${kind}: ${printable(value)}`,
  } as HeaderInput;
}

function printable(value: Buffer): string {
  const quoted = JSON.stringify(value.toString('latin1'));
  return quoted.replace(/[^\x20-\x7e]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Sends a GET with `authorization` as the raw bytes of the `Authorization` header value and returns
 * the response status. A raw socket sends every byte value, including those that Node's HTTP client
 * rejects with `ERR_INVALID_CHAR`. Only CR and LF are kept out, because they would end the header.
 * `Connection: close` makes the server close the socket after the response.
 */
function sendRaw(app: RunningApp, path: string, authorization: Buffer | undefined): Promise<number> {
  const { hostname, port } = new URL(app.baseUrl);
  const head = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n`, 'latin1');
  const header = authorization === undefined ? Buffer.alloc(0) : Buffer.concat([Buffer.from('Authorization: ', 'latin1'), authorization, CRLF]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Writes without ending: Node's HTTP server drops a request whose client half-closes before the response.
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(Buffer.concat([head, header, CRLF])));
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const statusLine = /^HTTP\/1\.1 (\d{3}) /.exec(Buffer.concat(chunks).toString('latin1'));
      if (statusLine === null) {
        reject(new Error('the connection closed without a status line'));
        return;
      }
      resolve(Number(statusLine[1]));
    });
  });
}

/** Replaces CR and LF, which would end the header line, with a space. */
function withoutLineBreaks(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.map((byte) => (byte === 0x0d || byte === 0x0a ? 0x20 : byte)));
}

function latin1(text: string): Buffer {
  return withoutLineBreaks(Buffer.from(text, 'latin1'));
}

/**
 * Tells whether a header value is a bearer credential for exactly `validToken`: `Bearer` in any
 * case, one or more spaces, the token, and nothing else once Node has removed the spaces and tabs
 * around the value.
 */
function carriesToken(value: Buffer, validToken: string): boolean {
  const text = value.toString('latin1').replace(/^[ \t]+|[ \t]+$/g, '');
  const match = /^bearer +(.*)$/is.exec(text);
  return match !== null && match[1] === validToken;
}

/** Flips `bit` (0 to 5) of the 6-bit value of the base64url character at `index`. */
function flipCharacterBit(part: string, index: number, bit: number): string {
  const value = BASE64URL.indexOf(part[index]);
  return `${part.slice(0, index)}${BASE64URL[value ^ (1 << bit)]}${part.slice(index + 1)}`;
}

/** Flips `bit` (0 to 7) of the decoded byte at `index` and encodes the segment again. */
function flipByteBit(part: string, index: number, bit: number): string {
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.length === 0) {
    return part;
  }
  bytes[index % bytes.length] ^= 1 << bit;
  return bytes.toString('base64url');
}

function decodeSegment(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Builds every generator of header values around `validToken`, a token the apps accept. */
function headerInputs(validToken: string, trapUrl: string): fc.Arbitrary<HeaderInput> {
  const parts = validToken.split('.');
  const bearer = (token: string, kind: string): HeaderInput => headerInput(kind, latin1(`Bearer ${token}`));
  const base64urlText = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength });
  const segmentIndex = fc.integer({ min: 0, max: 2 });
  // Positions -1 (the last) and 0 (the first) come up often, because a segment's last character
  // carries the spare bits that a lenient decoder ignores.
  const position = fc.oneof(fc.constant(-1), fc.constant(0), fc.nat());
  const replacePart = (index: number, value: string): string => parts.map((part, at) => (at === index ? value : part)).join('.');

  const arbitraryText = fc.string({ unit: 'binary', maxLength: 300 }).map((text) => headerInput('text', withoutLineBreaks(Buffer.from(text, 'utf8'))));
  const arbitraryBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => headerInput('bytes', withoutLineBreaks(bytes)));

  const schemeVariant = fc
    .tuple(
      fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR', 'Bearer:', 'Bearerx', 'Bear', 'Basic', 'Token', 'JWT', 'DPoP', '', 'B\u00e9arer', '"Bearer"'),
      fc.constantFrom(' ', '  ', '\t', '', ',', '=', ' \t ', '\u00a0', ':', '\u0000', '\u000b'),
      fc.oneof(fc.constant(validToken), fc.constant(`${validToken}.`), fc.constant(`.${validToken}`), fc.constant(validToken.toUpperCase()), fc.constant(`${validToken}==`), base64urlText(80), fc.constant('')),
      fc.constantFrom('', ' ', '\t', '  ', ',', '=', ' x', '\u00a0', '.', `, Bearer ${validToken}`, '\u0000', '\u00ff'),
    )
    .map(([scheme, separator, token, trailer]) => headerInput('scheme', latin1(`${scheme}${separator}${token}${trailer}`)));

  const jwtLike = fc
    .array(base64urlText(120), { minLength: 1, maxLength: 5 })
    .map((segments) => bearer(segments.join('.'), 'jwt-like'));

  const jsonJwtLike = fc
    .tuple(
      fc.record(
        {
          alg: fc.constantFrom('RS256', 'none', 'HS256', 'ES256', 'EdDSA', 'rs256', ''),
          kid: fc.oneof(fc.constant(String(decodeSegment(parts[0]).kid)), fc.string({ maxLength: 20 })),
          typ: fc.constantFrom('JWT', 'at+jwt'),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.constantFrom('iss', 'aud', 'sub', 'exp', 'roles', 'nbf'), fc.jsonValue({ maxDepth: 2 })),
      base64urlText(400),
    )
    .map(([header, payload, signature]) => bearer(`${segment(header)}.${segment(payload)}.${signature}`, 'json-jwt-like'));

  const characterFlip = fc.tuple(segmentIndex, position, fc.integer({ min: 0, max: 5 })).map(([index, at, bit]) => {
    const part = parts[index];
    const characterIndex = at === -1 ? part.length - 1 : at % part.length;
    return bearer(replacePart(index, flipCharacterBit(part, characterIndex, bit)), `bit ${bit} of character ${characterIndex} in segment ${index}`);
  });

  const byteFlip = fc.tuple(segmentIndex, position, fc.integer({ min: 0, max: 7 })).map(([index, at, bit]) => {
    const part = parts[index];
    const byteIndex = at === -1 ? Buffer.from(part, 'base64url').length - 1 : at;
    return bearer(replacePart(index, flipByteBit(part, byteIndex, bit)), `bit ${bit} of byte ${byteIndex} in segment ${index}`);
  });

  const rearranged = fc
    .array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 })
    .map((order) => bearer(order.map((index) => parts[index]).join('.'), `segments ${order.join(',')}`));

  const headerChange = fc
    .record(
      {
        alg: fc.constantFrom('none', 'HS256', 'RS384', 'RS512', 'PS256', 'ES256', 'EdDSA', 'rs256', 'RS256 ', '', null, 1),
        kid: fc.constantFrom('', 'other-key', 'test-key-1 ', 'x'.repeat(2000), null, 1, ['test-key-1']),
        typ: fc.constantFrom('JWT', 'jwt', 'JOSE', 'at+jwt', undefined),
        jku: fc.constant(`${trapUrl}/jwks`),
        x5u: fc.constant(`${trapUrl}/cert.pem`),
        crit: fc.constantFrom(['exp'], ['b64'], []),
        b64: fc.constant(false),
      },
      { requiredKeys: [] },
    )
    .map((changes) => bearer(replacePart(0, segment({ ...decodeSegment(parts[0]), ...changes })), `header ${JSON.stringify(changes).slice(0, 80)}`));

  const now = Math.floor(Date.now() / 1000);
  const payloadChange = fc
    .record(
      {
        aud: fc.constantFrom(AUDIENCE_B, ['api://provider-a', AUDIENCE_B], 'api://other'),
        iss: fc.constantFrom('http://127.0.0.1:1/unknown', `${trapUrl}`, ''),
        sub: fc.constantFrom('admin', '', 'user-b'),
        exp: fc.constantFrom(now + 86_400 * 365, now - 60, '9999999999'),
        nbf: fc.constantFrom(now + 3600, 0),
        roles: fc.constantFrom(['admin'], 'admin'),
      },
      { requiredKeys: [] },
    )
    .map((changes) => bearer(replacePart(1, segment({ ...decodeSegment(parts[1]), ...changes })), `payload ${JSON.stringify(changes).slice(0, 80)}`));

  const truncation = fc.tuple(fc.nat({ max: validToken.length - 1 }), fc.boolean()).map(([length, fromEnd]) => {
    const cut = fromEnd ? validToken.slice(0, length) : validToken.slice(validToken.length - length);
    return bearer(cut, `truncated to ${length}`);
  });

  const insertion = fc
    .tuple(fc.nat({ max: validToken.length }), fc.constantFrom(' ', '\t', '.', '=', '+', '/', '%', '~', 'A', '\u00a0', '\u0000'))
    .map(([at, character]) => bearer(`${validToken.slice(0, at)}${character}${validToken.slice(at)}`, `inserted ${JSON.stringify(character)} at ${at}`));

  return fc.oneof(
    arbitraryText,
    arbitraryBytes,
    schemeVariant,
    jwtLike,
    jsonJwtLike,
    characterFlip,
    byteFlip,
    rearranged,
    headerChange,
    payloadChange,
    truncation,
    insertion,
  );
}

/**
 * Returns the other spellings of `token` whose signature decodes to the same bytes: 15 for an RS256
 * signature of a 2048-bit key, whose 342 characters carry 4 spare bits.
 */
function nonCanonicalSpellings(token: string): string[] {
  const [header, payload, signature] = token.split('.');
  const last = BASE64URL.indexOf(signature[signature.length - 1]);
  // 6 bits per character, 8 per byte: the last character carries this many bits that encode nothing.
  const spareBits = (signature.length * 6) % 8;
  const spellings: string[] = [];
  for (let spare = 1; spare < 1 << spareBits; spare += 1) {
    spellings.push(`${header}.${payload}.${signature.slice(0, -1)}${BASE64URL[last ^ spare]}`);
  }
  return spellings;
}

describeConformance('fuzz', (context) => {
  let validToken = '';

  beforeEach(async function () {
    validToken = await context.tokenA({ sub: 'fuzz-user' });
  });

  it('valid token gets 200 on raw socket', async function () {
    for (const app of [context.guarded, context.unguarded]) {
      expect(await sendRaw(app, '/any-token', latin1(`Bearer ${validToken}`))).to.equal(200);
      expect(await sendRaw(app, '/any-token', latin1(`bearer   ${validToken} \t`))).to.equal(200);
    }
  });

  it('missing header gets 401 on raw socket', async function () {
    for (const app of [context.guarded, context.unguarded]) {
      expect(await sendRaw(app, '/any-token', undefined)).to.equal(401);
    }
  });

  it('only valid token gets 200, never 5xx', async function () {
    this.timeout(Math.max(60_000, RUNS * 60));
    const inputs = headerInputs(validToken, context.trap.url);
    await fc.assert(
      fc.asyncProperty(inputs, fc.boolean(), async (input, guarded) => {
        const status = await sendRaw(guarded ? context.guarded : context.unguarded, '/any-token', input.value);
        const label = `${input.kind} got ${status}`;
        expect(status, label).to.be.below(500);
        if (carriesToken(input.value, validToken)) {
          expect(status, label).to.equal(200);
        } else {
          expect(status, label).to.be.oneOf([400, 401, 403]);
        }
      }),
      { seed: FIXED_SEED, numRuns: RUNS },
    );
  });

  it('non-canonical signature encoding is refused', async function () {
    const spellings = nonCanonicalSpellings(validToken);
    expect(spellings, 'RS256 signatures end in spare bits').to.have.length.above(0);
    for (const spelling of spellings) {
      expect(spelling).to.not.equal(validToken);
      for (const app of [context.guarded, context.unguarded]) {
        expect(await sendRaw(app, '/any-token', latin1(`Bearer ${spelling}`)), spelling.slice(-8)).to.equal(401);
      }
    }
  });

  it('token with trailing no-break space is refused', async function () {
    // Byte 0xA0 reaches the app as U+00A0. String.prototype.trimEnd removes it as white space, but HTTP
    // treats only spaces and tabs around a header value as white space.
    for (const app of [context.guarded, context.unguarded]) {
      expect(await sendRaw(app, '/any-token', latin1(`Bearer ${validToken}\u00a0`))).to.equal(401);
    }
  });

  it('revoked token stays refused in another encoding', async function () {
    context.configure({ tokenTtl: 300 });
    await revokeToken(validToken);
    expect(await sendRaw(context.guarded, '/any-token', latin1(`Bearer ${validToken}`)), 'revoked token').to.equal(401);
    const [spelling] = nonCanonicalSpellings(validToken);
    expect(await sendRaw(context.guarded, '/any-token', latin1(`Bearer ${spelling}`)), 'same token, other spelling').to.equal(401);
  });
});
