import { constants, createHmac, createPublicKey, KeyObject, sign as signBytes, type JsonWebKey } from 'node:crypto';

import { expect } from 'chai';
import type { JWK } from 'jose';

import { configureOidcAuth } from '../../src/index.js';
import { get, type Reply } from '../support/http.js';
import { makeKey, type IssuerKey } from '../support/test-issuer.js';
import { AUDIENCE_A, baseOptions, describeConformance, segment, type ConformanceContext } from './harness.js';

const DOCUMENT_PATHS = ['/.well-known/openid-configuration', '/jwks'];
const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

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

/** Returns the claims of a valid provider-A token, so that only its header or signature can fail. */
function validClaimsA(context: ConformanceContext): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: context.issuerA.issuer, aud: AUDIENCE_A, sub: 'user-a', iat: now, exp: now + 600 };
}

/**
 * Builds a compact JWS by hand, so that the header may name any `alg`. The signature uses the hash,
 * padding and encoding of `signAs`, whatever the key's own type or curve.
 */
function handSign(header: unknown, payload: unknown, privateKey: CryptoKey, signAs: string): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const key = KeyObject.from(privateKey);
  const bits = signAs.slice(2);
  const data = Buffer.from(input);
  let signature: Buffer;
  if (signAs.startsWith('RS')) {
    signature = signBytes(`sha${bits}`, data, key);
  } else if (signAs.startsWith('PS')) {
    signature = signBytes(`sha${bits}`, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 });
  } else if (signAs.startsWith('ES')) {
    signature = signBytes(`sha${bits}`, data, { key, dsaEncoding: 'ieee-p1363' });
  } else {
    signature = signBytes(null, data, key);
  }
  return `${input}.${signature.toString('base64url')}`;
}

function hmacSign(header: unknown, payload: unknown, alg: string, secret: Uint8Array): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const signature = createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url');
  return `${input}.${signature}`;
}

/** Returns every encoding of an RSA public key that an HMAC confusion attack might use as the secret. */
function publicKeyEncodings(publicJwk: JWK): Array<[string, Uint8Array]> {
  const { kty, n, e } = publicJwk;
  const publicKey = createPublicKey({ key: { kty, n, e } as JsonWebKey, format: 'jwk' });
  const spkiPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pkcs1Pem = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const text = (value: string): Uint8Array => Buffer.from(value);
  return [
    ['SPKI PEM', text(spkiPem)],
    ['SPKI PEM without trailing newline', text(spkiPem.trimEnd())],
    ['SPKI PEM with leading whitespace', text(`  \n${spkiPem}`)],
    ['SPKI PEM with CRLF line endings', text(spkiPem.replace(/\n/g, '\r\n'))],
    ['PKCS#1 PEM', text(pkcs1Pem)],
    ['PKCS#1 PEM without trailing newline', text(pkcs1Pem.trimEnd())],
    ['SPKI DER', publicKey.export({ type: 'spki', format: 'der' })],
    ['PKCS#1 DER', publicKey.export({ type: 'pkcs1', format: 'der' })],
    ['JWK JSON text as served', text(JSON.stringify(publicJwk))],
    ['JWK JSON text of kty, n and e', text(JSON.stringify({ kty, n, e }))],
    ['JWKS JSON text', text(JSON.stringify({ keys: [publicJwk] }))],
    ['raw modulus bytes', Buffer.from(n ?? '', 'base64url')],
    ['base64url modulus text', text(n ?? '')],
  ];
}

/** Sends `token` to the middleware app and to the checker app, both on a route that needs any valid token. */
async function sendToBoth(context: ConformanceContext, token: string): Promise<Array<[string, Reply]>> {
  return [
    ['middleware', await get(`${context.guarded.baseUrl}/any-token`, { token })],
    ['checker', await get(`${context.unguarded.baseUrl}/any-token`, { token })],
  ];
}

async function expectRejectedByBoth(context: ConformanceContext, token: string, label: string, codes = ['invalid_token']): Promise<void> {
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

describeConformance('algorithm confusion', (context) => {
  let ecP256: IssuerKey;
  let ecP256WithoutAlg: IssuerKey;
  let edKey: IssuerKey;
  let rsaPssOnly: IssuerKey;
  let rsaWithoutAlg: IssuerKey;
  let rsaEncryption: IssuerKey;
  let ecEncryption: IssuerKey;

  before(async function () {
    ecP256 = await keyOnce('ec-p256', 'ES256');
    ecP256WithoutAlg = await keyOnce('ec-p256-without-alg', 'ES256');
    edKey = await keyOnce('ed-key', 'EdDSA');
    ecEncryption = await keyOnce('ec-encryption', 'ES256');
    // The RSA keys reuse provider A's key pair under other key ids, because RSA key generation is slow.
    const provider = context.issuerA.keys[0];
    const aliasOfProvider = (kid: string, alg: string, members: JWK): IssuerKey => ({ kid, alg, privateKey: provider.privateKey, publicJwk: { ...provider.publicJwk, ...members, kid } });
    rsaPssOnly = aliasOfProvider('rsa-pss-only', 'PS256', { alg: 'PS256' });
    rsaWithoutAlg = aliasOfProvider('rsa-without-alg', 'RS256', { alg: undefined });
    rsaEncryption = aliasOfProvider('rsa-encryption', 'RS256', { use: 'enc' });
    const withoutAlg = (key: IssuerKey): JWK => ({ ...key.publicJwk, alg: undefined });
    context.issuerA.jwks.keys.push(
      ecP256.publicJwk,
      withoutAlg(ecP256WithoutAlg),
      edKey.publicJwk,
      rsaPssOnly.publicJwk,
      rsaWithoutAlg.publicJwk,
      rsaEncryption.publicJwk,
      { ...withoutAlg(ecEncryption), use: 'enc' },
    );
  });

  it('hand-signed RS256 token accepted', async function () {
    const header = { alg: 'RS256', kid: 'test-key-1', typ: 'at+jwt' };
    const token = handSign(header, validClaimsA(context), context.issuerA.keys[0].privateKey, 'RS256');
    await expectAcceptedByBoth(context, token, 'hand-signed RS256');
  });

  it('alg none in any case rejected', async function () {
    const providerKey = context.issuerA.keys[0].privateKey;
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      for (const header of [{ alg, typ: 'JWT' }, { alg, kid: 'test-key-1', typ: 'at+jwt' }]) {
        const input = `${segment(header)}.${segment(validClaimsA(context))}`;
        const realSignature = handSign(header, validClaimsA(context), providerKey, 'RS256').split('.')[2];
        for (const [kind, signature] of [
          ['empty signature', ''],
          ['text signature', segment('signature')],
          ['RS256 signature', realSignature],
        ]) {
          await expectRejectedByBoth(context, `${input}.${signature}`, `${JSON.stringify(header)} with ${kind}`);
        }
      }
    }
  });

  it('HMAC signed with public key rejected', async function () {
    const publicJwk = context.issuerA.keys[0].publicJwk;
    for (const [encoding, secret] of publicKeyEncodings(publicJwk)) {
      for (const alg of HMAC_ALGORITHMS) {
        for (const header of [{ alg, kid: 'test-key-1', typ: 'at+jwt' }, { alg, typ: 'JWT' }]) {
          const token = hmacSign(header, validClaimsA(context), alg, secret);
          await expectRejectedByBoth(context, token, `${alg} with ${encoding}, header ${JSON.stringify(header)}`);
        }
      }
    }
  });

  it('HMAC algorithm rejected by configuration', function () {
    for (const alg of HMAC_ALGORITHMS) {
      expect(() => configureOidcAuth({ ...baseOptions(context), algorithms: [alg] }), alg).to.throw(/algorithms/);
    }
  });

  it('alg of wrong shape rejected', async function () {
    const providerKey = context.issuerA.keys[0].privateKey;
    const shapes: unknown[] = [undefined, null, 256, true, ['RS256'], { name: 'RS256' }, '', 'rs256', 'Rs256', 'RS256 ', ' RS256', 'RS256\u0000', 'RS 256', 'ES256K', 'RSA-OAEP', 'dir', 'RS1'];
    for (const alg of shapes) {
      const header = { alg, kid: 'test-key-1', typ: 'at+jwt' };
      const token = handSign(header, validClaimsA(context), providerKey, 'RS256');
      await expectRejectedByBoth(context, token, `alg ${JSON.stringify(alg)}`);
    }
  });

  it('algorithm outside allowlist rejected', async function () {
    context.configure({ algorithms: ['ES256'] });
    await expectRejectedByBoth(context, await context.tokenA(), 'RS256 with only ES256 allowed');
    await expectRejectedByBoth(context, await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: edKey }), 'EdDSA with only ES256 allowed');

    context.configure({ algorithms: ['RS256'] });
    for (const alg of ['RS384', 'RS512', 'PS256', 'PS512']) {
      const header = { alg, kid: 'rsa-without-alg', typ: 'at+jwt' };
      const token = handSign(header, validClaimsA(context), rsaWithoutAlg.privateKey, alg);
      await expectRejectedByBoth(context, token, `${alg} with only RS256 allowed`);
    }
    const ecToken = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: ecP256 });
    await expectRejectedByBoth(context, ecToken, 'ES256 with only RS256 allowed');
  });

  it('algorithm inside allowlist accepted', async function () {
    context.configure({ algorithms: ['ES256'] });
    await expectAcceptedByBoth(context, await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: ecP256 }), 'ES256 with only ES256 allowed');

    context.configure({ algorithms: ['RS256'] });
    await expectAcceptedByBoth(context, await context.tokenA(), 'RS256 with only RS256 allowed');
  });

  it('key alg differing from header rejected', async function () {
    const claims = validClaimsA(context);
    const cases: Array<[string, string, CryptoKey, string]> = [
      ['RS256 header on key with alg PS256', 'rsa-pss-only', rsaPssOnly.privateKey, 'RS256'],
      ['PS384 header on key with alg PS256', 'rsa-pss-only', rsaPssOnly.privateKey, 'PS384'],
      ['PS256 header on key with alg RS256', 'test-key-1', context.issuerA.keys[0].privateKey, 'PS256'],
      ['RS512 header on key with alg RS256', 'test-key-1', context.issuerA.keys[0].privateKey, 'RS512'],
      ['ES384 header on P-256 key with alg ES256', 'ec-p256', ecP256.privateKey, 'ES384'],
      ['ES384 header on P-256 key without alg', 'ec-p256-without-alg', ecP256WithoutAlg.privateKey, 'ES384'],
      ['ES512 header on P-256 key without alg', 'ec-p256-without-alg', ecP256WithoutAlg.privateKey, 'ES512'],
      ['ES256 header on RSA key id', 'test-key-1', ecP256.privateKey, 'ES256'],
      ['ES256 header on RSA key without alg', 'rsa-without-alg', ecP256.privateKey, 'ES256'],
      ['EdDSA header on RSA key id', 'test-key-1', edKey.privateKey, 'EdDSA'],
      ['EdDSA header on P-256 key id', 'ec-p256-without-alg', edKey.privateKey, 'EdDSA'],
      ['ES256 header on Ed25519 key id', 'ed-key', ecP256.privateKey, 'ES256'],
      ['RS256 header on P-256 key id', 'ec-p256-without-alg', context.issuerA.keys[0].privateKey, 'RS256'],
    ];
    for (const [label, kid, privateKey, alg] of cases) {
      const token = handSign({ alg, kid, typ: 'at+jwt' }, claims, privateKey, alg);
      await expectRejectedByBoth(context, token, label);
    }
  });

  it('RSA key without alg verifies RS and PS', async function () {
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
      const token = handSign({ alg, kid: 'rsa-without-alg', typ: 'at+jwt' }, validClaimsA(context), rsaWithoutAlg.privateKey, alg);
      await expectAcceptedByBoth(context, token, `${alg} on RSA key without alg`);
    }
  });

  it('encryption key rejected for signatures', async function () {
    const rsaToken = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: rsaEncryption });
    await expectRejectedByBoth(context, rsaToken, 'RS256 on key with use enc', ['key_not_found', 'invalid_token']);
    const ecToken = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key: ecEncryption });
    await expectRejectedByBoth(context, ecToken, 'ES256 on key with use enc', ['key_not_found', 'invalid_token']);
  });

  it('asymmetric algorithms of added keys accepted', async function () {
    const added = [ecP256, edKey];
    for (const alg of ['ES384', 'ES512', 'Ed25519']) {
      const key = await keyOnce(`accepted-${alg}`, alg);
      context.issuerA.jwks.keys.push(key.publicJwk);
      added.push(key);
    }
    for (const key of added) {
      const token = await context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a' }, { key });
      await expectAcceptedByBoth(context, token, `${key.alg} token`);
    }
    const pssToken = handSign({ alg: 'PS256', kid: 'rsa-pss-only', typ: 'at+jwt' }, validClaimsA(context), rsaPssOnly.privateKey, 'PS256');
    await expectAcceptedByBoth(context, pssToken, 'PS256 token');
  });
});
