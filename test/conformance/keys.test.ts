import { createHash, createHmac, createPublicKey, generateKeyPairSync, KeyObject, sign as signBytes, X509Certificate, type JsonWebKey } from 'node:crypto';

import { expect } from 'chai';
import type { JWK } from 'jose';

import { get, type Reply } from '../support/http.js';
import { makeKey, type IssuerKey } from '../support/test-issuer.js';
import { AUDIENCE_A, AUDIENCE_B, describeConformance, segment, type ConformanceContext } from './harness.js';

const DOCUMENT_PATHS = ['/.well-known/openid-configuration', '/jwks'];
const REJECTION_CODES = ['invalid_token', 'key_not_found'];
const OCT_SECRET = Buffer.from('a shared secret of thirty-two by');
const MALFORMED_KEY_IDS = ['rsa-n-not-base64url'];

// Key generation is slow for RSA, so each key is made once and published on both adapters' issuers.
const generatedKeys = new Map<string, Promise<IssuerKey>>();

function keyOnce(kid: string, alg: string): Promise<IssuerKey> {
  let key = generatedKeys.get(kid);
  if (key === undefined) {
    key = makeKey(kid, alg);
    generatedKeys.set(kid, key);
  }
  return key;
}

/** Encodes one DER element: `tag`, a definite length, then the contents. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  if (body.length < 0x80) {
    return Buffer.concat([Buffer.from([tag, body.length]), body]);
  }
  const lengthBytes: number[] = [];
  for (let rest = body.length; rest > 0; rest = Math.floor(rest / 256)) {
    lengthBytes.unshift(rest % 256);
  }
  return Buffer.concat([Buffer.from([tag, 0x80 | lengthBytes.length, ...lengthBytes]), body]);
}

function derObjectId(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) {
      groups.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

function derUtcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`));
}

/** Builds a self-signed X.509 v3 certificate (DER) for an RSA key pair, signed with SHA-256. */
function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, commonName: string): Buffer {
  const signatureAlgorithm = der(0x30, derObjectId('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const name = der(0x30, der(0x31, der(0x30, derObjectId('2.5.4.3'), der(0x0c, Buffer.from(commonName)))));
  const now = Date.now();
  const validity = der(0x30, derUtcTime(new Date(now - 86_400_000)), derUtcTime(new Date(now + 86_400_000)));
  const version = der(0xa0, der(0x02, Buffer.from([2])));
  const serialNumber = der(0x02, Buffer.from([1]));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const tbsCertificate = der(0x30, version, serialNumber, signatureAlgorithm, name, validity, name, spki);
  const signature = signBytes('sha256', tbsCertificate, privateKey);
  return der(0x30, tbsCertificate, signatureAlgorithm, der(0x03, Buffer.from([0]), signature));
}

/** Builds a compact JWS by hand, so that the header may name any `alg`. */
function handSign(header: unknown, payload: unknown, privateKey: CryptoKey | KeyObject, signAs: 'RS256' | 'ES256'): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  const options = signAs === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return `${input}.${signBytes('sha256', Buffer.from(input), options).toString('base64url')}`;
}

function hmacSign(header: unknown, payload: unknown, secret: Uint8Array): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function validClaimsA(context: ConformanceContext): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: context.issuerA.issuer, aud: AUDIENCE_A, sub: 'user-a', iat: now, exp: now + 600 };
}

async function sendToBoth(context: ConformanceContext, token: string): Promise<Array<[string, Reply]>> {
  return [
    ['middleware', await get(`${context.guarded.baseUrl}/any-token`, { token })],
    ['checker', await get(`${context.unguarded.baseUrl}/any-token`, { token })],
  ];
}

async function expectRejectedByBoth(context: ConformanceContext, token: string, label: string, codes = REJECTION_CODES): Promise<void> {
  for (const [app, reply] of await sendToBoth(context, token)) {
    expect(reply.status, `${label} (${app}): ${reply.text}`).to.equal(401);
    expect(reply.body.code, `${label} (${app}): ${reply.text}`).to.be.oneOf(codes);
  }
  expectOnlyDocumentRequests(context);
}

async function expectAcceptedByBoth(context: ConformanceContext, token: string, label: string): Promise<void> {
  for (const [app, reply] of await sendToBoth(context, token)) {
    expect(reply.status, `${label} (${app}): ${reply.text}`).to.equal(200);
    expect(reply.body.sub, `${label} (${app})`).to.equal('user-a');
  }
  expectOnlyDocumentRequests(context);
}

function expectOnlyDocumentRequests(context: ConformanceContext): void {
  for (const issuer of [context.issuerA, context.issuerB]) {
    const unexpected = issuer.requests.filter((path) => !DOCUMENT_PATHS.includes(path));
    expect(unexpected, `requests to ${issuer.issuer} other than its documents`).to.deep.equal([]);
  }
  expect(context.trap.requests, 'requests to the trap server').to.deep.equal([]);
}

/** Returns JWKS entries that cannot verify any token: wrong key type, use, operations, curve or member values. */
function unusableKeys(rsaEncryption: IssuerKey): Array<Record<string, unknown> | unknown> {
  const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' });
  const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
  const ed448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
  const { n, e } = rsaEncryption.publicJwk;
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return [
    { kty: 'oct', kid: 'oct-key', k: OCT_SECRET.toString('base64url'), alg: 'HS256' },
    { kty: 'oct', kid: 'oct-without-alg', k: OCT_SECRET.toString('base64url') },
    { ...rsaEncryption.publicJwk, use: 'enc', alg: 'RSA-OAEP' },
    { kty: 'RSA', kid: 'rsa-oaep-256', n, e, alg: 'RSA-OAEP-256' },
    { ...rsaEncryption.publicJwk, kid: 'rsa-encrypt-only', key_ops: ['encrypt'] },
    { kty: 'RSA', kid: 'rsa-sign-op-only', n, e, key_ops: ['sign'] },
    { kty: 'RSA', kid: 'rsa-key-ops-text', n, e, key_ops: 'verify' },
    { kty: 'XYZ', kid: 'unknown-kty', x: 'AQAB' },
    { kid: 'no-kty', n, e },
    { ...secp256k1, kid: 'secp256k1-key' },
    { ...secp256k1, kid: 'secp256k1-es256k', alg: 'ES256K' },
    { ...x25519, kid: 'x25519-key' },
    { ...ed448, kid: 'ed448-key' },
    { kty: 'RSA', kid: 'rsa-n-number', n: 12345, e: 'AQAB' },
    { kty: 'RSA', kid: 'rsa-n-not-base64url', n: '!!not base64url!!', e: 'AQAB' },
    { kty: 'RSA', kid: 'rsa-e-missing', n },
    { kty: 'RSA', kid: { nested: 'object' }, n, e },
    { kty: 'RSA', kid: 'rsa-alg-number', n, e, alg: 256 },
    { kty: 'RSA', kid: 'rsa-use-array', n, e, use: ['sig'] },
    { kty: 'EC', kid: 'ec-y-missing', crv: 'P-256', x: p256.x },
    { kty: 'EC', kid: 'ec-unknown-curve', crv: 'P-999', x: p256.x, y: p256.y },
    null,
    'key',
    42,
    true,
    [],
    [rsaEncryption.publicJwk],
  ];
}

describeConformance('key selection', (context) => {
  let attacker: IssuerKey;
  let attackerCertificate: string;
  let onlyB: IssuerKey;
  let rsaEncryption: IssuerKey;

  before(async function () {
    attacker = await keyOnce('attacker', 'RS256');
    const attackerPrivate = KeyObject.from(attacker.privateKey);
    const { kty, n, e } = attacker.publicJwk;
    const attackerPublic = createPublicKey({ key: { kty, n, e } as JsonWebKey, format: 'jwk' });
    const certificate = selfSignedCertificate(attackerPrivate, attackerPublic, 'attacker');
    expect(new X509Certificate(certificate).verify(attackerPublic), 'self-made certificate verifies').to.equal(true);
    attackerCertificate = certificate.toString('base64');
    // These reuse existing key pairs under other key ids, because RSA key generation is slow.
    const providerB = context.issuerB.keys[0];
    onlyB = { ...providerB, kid: 'only-b', publicJwk: { ...providerB.publicJwk, kid: 'only-b' } };
    context.issuerB.jwks.keys.push(onlyB.publicJwk);
    rsaEncryption = { ...attacker, kid: 'rsa-oaep', publicJwk: { ...attacker.publicJwk, kid: 'rsa-oaep' } };
  });

  it('attacker key in key headers rejected', async function () {
    const attackerJwk = { kty: attacker.publicJwk.kty, n: attacker.publicJwk.n, e: attacker.publicJwk.e };
    const thumbprint = createHash('sha1').update(Buffer.from(attackerCertificate, 'base64')).digest('base64url');
    const headers: Array<Record<string, unknown>> = [
      { kid: 'test-key-1', jku: `${context.trap.url}/jwks` },
      { kid: 'attacker', jku: `${context.trap.url}/jwks` },
      { jku: `${context.trap.url}/jwks` },
      { kid: 'test-key-1', x5u: `${context.trap.url}/certificate.pem` },
      { x5u: `${context.trap.url}/certificate.pem` },
      { kid: 'test-key-1', jwk: attackerJwk },
      { kid: 'attacker', jwk: { ...attackerJwk, kid: 'attacker' } },
      { jwk: attackerJwk },
      { kid: 'test-key-1', x5c: [attackerCertificate] },
      { kid: 'test-key-1', x5c: [attackerCertificate], x5t: thumbprint },
      { x5c: [attackerCertificate] },
      { kid: 'test-key-1', x5c: ['bm90IGEgY2VydGlmaWNhdGU='] },
      { kid: 'test-key-1', x5c: 'not-an-array' },
      { kid: 'test-key-1', x5c: [] },
      { kid: 'test-key-1', jku: `${context.trap.url}/jwks`, x5u: `${context.trap.url}/c.pem`, jwk: attackerJwk, x5c: [attackerCertificate] },
    ];
    for (const header of headers) {
      const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: attacker, header: { kid: undefined, ...header } });
      await expectRejectedByBoth(context, token, `attacker token with ${Object.keys(header).join(', ')}`);
    }
  });

  it('provider key with key headers accepted', async function () {
    const attackerJwk = { kty: attacker.publicJwk.kty, n: attacker.publicJwk.n, e: attacker.publicJwk.e };
    const headers: Array<Record<string, unknown>> = [
      { jku: `${context.trap.url}/jwks` },
      { x5u: `${context.trap.url}/certificate.pem` },
      { jwk: attackerJwk },
      { x5c: [attackerCertificate] },
      { x5c: ['bm90IGEgY2VydGlmaWNhdGU='] },
      { jku: `${context.trap.url}/jwks`, x5u: `${context.trap.url}/c.pem`, jwk: attackerJwk, x5c: [attackerCertificate] },
    ];
    for (const header of headers) {
      const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { header });
      await expectAcceptedByBoth(context, token, `provider token with ${Object.keys(header).join(', ')}`);
    }
  });

  it('unusual key ids rejected', async function () {
    const keyIds: unknown[] = [
      '../../etc/passwd',
      '/jwks',
      '../jwks',
      '/.well-known/openid-configuration',
      "' OR 1=1 --",
      '"; DROP TABLE keys; --',
      `${context.trap.url}/jwks`,
      'file:///etc/passwd',
      '__proto__',
      'constructor',
      'toString',
      'test-key-1 ',
      'TEST-KEY-1',
      'test-key-1\u0000',
      '\u202etest-key-1',
      'k'.repeat(1025),
      'k'.repeat(10_000),
      '',
      0,
      1,
      { kid: 'test-key-1' },
      ['test-key-1'],
      null,
      true,
      false,
    ];
    // The 10 000-character key id makes a token longer than the default limit of 8192.
    context.configure({ maxTokenLength: 20_000 });
    for (const kid of keyIds) {
      const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { header: { kid } });
      await expectRejectedByBoth(context, token, `kid ${JSON.stringify(kid).slice(0, 40)}`);
    }
  });

  it('missing key id rejected', async function () {
    const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { header: { kid: undefined } });
    await expectRejectedByBoth(context, token, 'token without kid');
  });

  it('key id of other provider rejected', async function () {
    const requestsToB = context.issuerB.requests.length;
    const onlyBToken = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: onlyB });
    await expectRejectedByBoth(context, onlyBToken, 'provider-A token with kid only provider B has', ['key_not_found']);
    const sameKidToken = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: context.issuerB.keys[0] });
    await expectRejectedByBoth(context, sameKidToken, 'provider-A token signed with provider B key of same kid');
    const audienceBToken = await context.issuerA.sign({ aud: AUDIENCE_B, sub: 'user-a' }, { key: onlyB });
    await expectRejectedByBoth(context, audienceBToken, 'provider-A token for audience B with provider B key', ['key_not_found']);
    expect(context.issuerB.requests.slice(requestsToB), 'requests to provider B').to.deep.equal([]);
  });

  it('unusable JWKS keys leave valid tokens accepted', async function () {
    const served = context.issuerA.jwks;
    context.issuerA.jwks = { keys: [...unusableKeys(rsaEncryption), ...served.keys] as JWK[] };
    try {
      await expectAcceptedByBoth(context, await context.tokenA(), 'valid token');
    } finally {
      context.issuerA.jwks = served;
    }
  });

  it('unusable JWKS keys under same kid skipped', async function () {
    const served = context.issuerA.jwks;
    // An entry whose only flaw is its kid would become a usable key of other material here. The
    // malformed ones have a test of their own.
    const sameKid = unusableKeys(rsaEncryption)
      .filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object' && !Array.isArray(entry))
      .filter((entry) => typeof entry.kid === 'string' && !MALFORMED_KEY_IDS.includes(entry.kid))
      .map((entry) => ({ ...entry, kid: 'test-key-1' }));
    context.issuerA.jwks = { keys: [...sameKid, ...served.keys] as JWK[] };
    try {
      await expectAcceptedByBoth(context, await context.tokenA(), 'valid token after unusable keys of the same kid');
    } finally {
      context.issuerA.jwks = served;
    }
  });

  it('malformed key under same kid skipped', async function () {
    const served = context.issuerA.jwks;
    const { n, e } = served.keys[0];
    const malformed: Array<Record<string, unknown>> = [
      { kty: 'RSA', n: '!!not base64url!!', e },
      { kty: 'RSA', n, e: '!!not base64url!!' },
      { kty: 'RSA', n: '', e },
      { kty: 'RSA', n, e: '' },
    ];
    try {
      for (const entry of malformed) {
        // Reconfigure, so that the next request loads the changed JWKS.
        context.configure();
        context.issuerA.jwks = { keys: [{ ...entry, kid: 'test-key-1' }, ...served.keys] as JWK[] };
        await expectAcceptedByBoth(context, await context.tokenA(), `valid token after ${JSON.stringify(entry).slice(0, 60)}`);
      }
    } finally {
      context.issuerA.jwks = served;
    }
  });

  it('tokens naming unusable keys rejected', async function () {
    const served = context.issuerA.jwks;
    context.issuerA.jwks = { keys: [...unusableKeys(rsaEncryption), ...served.keys] as JWK[] };
    const providerKey = context.issuerA.keys[0].privateKey;
    const secp256k1Private = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    try {
      const claims = validClaimsA(context);
      const tokens: Array<[string, string]> = [
        ['HS256 with oct key', hmacSign({ alg: 'HS256', kid: 'oct-key', typ: 'at+jwt' }, claims, OCT_SECRET)],
        ['HS256 with oct key without alg', hmacSign({ alg: 'HS256', kid: 'oct-without-alg', typ: 'at+jwt' }, claims, OCT_SECRET)],
        ['RS256 with encryption key', await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: rsaEncryption })],
        ['RS256 with encrypt-only key', await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: rsaEncryption, header: { kid: 'rsa-encrypt-only' } })],
        ['RS256 naming malformed modulus', handSign({ alg: 'RS256', kid: 'rsa-n-not-base64url', typ: 'at+jwt' }, claims, providerKey, 'RS256')],
        ['RS256 naming key without e', handSign({ alg: 'RS256', kid: 'rsa-e-missing', typ: 'at+jwt' }, claims, providerKey, 'RS256')],
        ['RS256 naming sign-only key', handSign({ alg: 'RS256', kid: 'rsa-sign-op-only', typ: 'at+jwt' }, claims, rsaEncryption.privateKey, 'RS256')],
        ['RS256 naming unknown kty', handSign({ alg: 'RS256', kid: 'unknown-kty', typ: 'at+jwt' }, claims, providerKey, 'RS256')],
        ['ES256 on secp256k1 key', handSign({ alg: 'ES256', kid: 'secp256k1-key', typ: 'at+jwt' }, claims, secp256k1Private, 'ES256')],
        ['ES256K on secp256k1 key', handSign({ alg: 'ES256K', kid: 'secp256k1-es256k', typ: 'at+jwt' }, claims, secp256k1Private, 'ES256')],
        ['ES256 naming EC key without y', handSign({ alg: 'ES256', kid: 'ec-y-missing', typ: 'at+jwt' }, claims, secp256k1Private, 'ES256')],
      ];
      for (const [label, token] of tokens) {
        await expectRejectedByBoth(context, token, label);
      }
    } finally {
      context.issuerA.jwks = served;
    }
  });

  it('unknown key id refetch bounded by cooldown', async function () {
    context.configure({ keyRefetchCooldown: 60 });
    await expectAcceptedByBoth(context, await context.tokenA(), 'valid token before unknown key ids');
    const jwksBefore = context.issuerA.count('/jwks');
    const discoveryBefore = context.issuerA.count('/.well-known/openid-configuration');

    const concurrent = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { header: { kid: `unknown-concurrent-${index}` } });
        const app = index % 2 === 0 ? context.guarded : context.unguarded;
        return get(`${app.baseUrl}/any-token`, { token });
      }),
    );
    for (const reply of concurrent) {
      expect(reply.status, reply.text).to.equal(401);
      expect(reply.body.code, reply.text).to.equal('key_not_found');
    }
    expect(context.issuerA.count('/jwks') - jwksBefore, 'JWKS requests for 20 concurrent unknown key ids').to.be.at.most(1);

    const jwksAfterConcurrent = context.issuerA.count('/jwks');
    const later = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { header: { kid: `unknown-later-${index}` } });
        return get(`${context.guarded.baseUrl}/any-token`, { token });
      }),
    );
    for (const reply of later) {
      expect(reply.body.code, reply.text).to.equal('key_not_found');
    }
    expect(context.issuerA.count('/jwks'), 'JWKS requests for 20 more unknown key ids within the cooldown').to.equal(jwksAfterConcurrent);
    await expectAcceptedByBoth(context, await context.tokenA(), 'valid token after unknown key ids');
    expect(context.issuerA.count('/.well-known/openid-configuration'), 'discovery requests').to.equal(discoveryBefore);
  });

  it('unknown key ids on cold start bounded', async function () {
    context.configure({ keyRefetchCooldown: 60 });
    const jwksBefore = context.issuerA.count('/jwks');
    const replies = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { header: { kid: `unknown-cold-${index}` } });
        return get(`${context.guarded.baseUrl}/any-token`, { token });
      }),
    );
    for (const reply of replies) {
      expect(reply.status, reply.text).to.equal(401);
      expect(reply.body.code, reply.text).to.equal('key_not_found');
    }
    expect(context.issuerA.count('/jwks') - jwksBefore, 'first JWKS load and at most one refetch').to.be.at.most(2);
  });
});
