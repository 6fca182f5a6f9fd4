import { expect } from 'chai';
import { exportJWK, jwtVerify, SignJWT, type JWK } from 'jose';

import { readVerificationKeys, type VerificationKey } from '../src/discovery/jwks.js';
import { SUPPORTED_ALGORITHMS } from '../src/verification/algorithms.js';
import { makeKey, type IssuerKey } from './support/test-issuer.js';
import { rejectionOf } from './support/unit/rejection.js';
import { withoutMembers } from './support/unit/without-members.js';

const ALL = SUPPORTED_ALGORITHMS;

function onlyKey(document: unknown, algorithms: readonly string[] = ALL): VerificationKey {
  const keys = readVerificationKeys(document, algorithms);
  expect(keys).to.have.lengthOf(1);
  return (keys as VerificationKey[])[0];
}

function keptKids(document: unknown, algorithms: readonly string[] = ALL): Array<string | undefined> {
  return (readVerificationKeys(document, algorithms) ?? []).map((key) => key.kid);
}

describe('readVerificationKeys', () => {
  let rsa: IssuerKey;
  let ec: IssuerKey;
  let ed: IssuerKey;

  before(async () => {
    rsa = await makeKey('rsa-1', 'RS256');
    ec = await makeKey('ec-1', 'ES256');
    ed = await makeKey('ed-1', 'EdDSA');
  });

  describe('usable keys', () => {
    it('keeps RSA signing key', () => {
      expect(keptKids({ keys: [rsa.publicJwk] })).to.deep.equal(['rsa-1']);
    });

    it('keeps EC signing key', () => {
      expect(keptKids({ keys: [ec.publicJwk] })).to.deep.equal(['ec-1']);
    });

    it('keeps OKP signing key', () => {
      expect(keptKids({ keys: [ed.publicJwk] })).to.deep.equal(['ed-1']);
    });

    it('keeps key without use', () => {
      const withoutUse = withoutMembers(rsa.publicJwk, 'use');

      expect(keptKids({ keys: [withoutUse] })).to.deep.equal(['rsa-1']);
    });

    it('keeps key with verify in key_ops', () => {
      const withoutUse = withoutMembers(rsa.publicJwk, 'use');

      expect(keptKids({ keys: [{ ...withoutUse, key_ops: ['verify'] }] })).to.deep.equal(['rsa-1']);
    });

    it('keeps key without kid', () => {
      const withoutKid = withoutMembers(rsa.publicJwk, 'kid');
      const key = onlyKey({ keys: [withoutKid] });

      expect(key.kid).to.equal(undefined);
    });

    it('keeps order of usable keys', () => {
      expect(keptKids({ keys: [ed.publicJwk, rsa.publicJwk, ec.publicJwk] })).to.deep.equal(['ed-1', 'rsa-1', 'ec-1']);
    });

    it('returns empty list for empty keys', () => {
      expect(readVerificationKeys({ keys: [] }, ALL)).to.deep.equal([]);
    });
  });

  describe('unusable keys', () => {
    it('drops encryption key', () => {
      const encryption = { ...rsa.publicJwk, kid: 'enc-1', alg: 'RSA-OAEP', use: 'enc' };

      expect(keptKids({ keys: [encryption, ec.publicJwk] })).to.deep.equal(['ec-1']);
    });

    it('drops RSA-OAEP key without use', () => {
      const withoutUse = withoutMembers(rsa.publicJwk, 'use');
      const encryption = { ...withoutUse, kid: 'enc-1', alg: 'RSA-OAEP' };

      expect(keptKids({ keys: [encryption, ec.publicJwk] })).to.deep.equal(['ec-1']);
    });

    it('drops symmetric key', () => {
      const symmetric = { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', kid: 'oct-1', alg: 'HS256' };

      expect(keptKids({ keys: [symmetric, rsa.publicJwk] })).to.deep.equal(['rsa-1']);
    });

    it('drops key whose alg is not allowed', () => {
      const rs512 = { ...rsa.publicJwk, kid: 'rs512-1', alg: 'RS512' };

      expect(keptKids({ keys: [rs512, rsa.publicJwk] }, ['RS256'])).to.deep.equal(['rsa-1']);
    });

    it('drops key type not allowed', () => {
      expect(keptKids({ keys: [ec.publicJwk, rsa.publicJwk] }, ['RS256'])).to.deep.equal(['rsa-1']);
    });

    it('drops curve not allowed', async () => {
      const p384 = await makeKey('ec-384', 'ES384');

      expect(keptKids({ keys: [p384.publicJwk, ec.publicJwk] }, ['ES256'])).to.deep.equal(['ec-1']);
    });

    const operations: Array<[string, unknown]> = [
      ['sign only', ['sign']],
      ['encrypt only', ['encrypt']],
      ['empty list', []],
      ['string', 'verify'],
    ];

    for (const [label, keyOps] of operations) {
      it(`drops key_ops ${label}`, () => {
        const withoutUse = withoutMembers(rsa.publicJwk, 'use');

        expect(keptKids({ keys: [{ ...withoutUse, key_ops: keyOps }, ec.publicJwk] })).to.deep.equal(['ec-1']);
      });
    }

    const malformed: Array<[string, unknown]> = [
      ['null', null],
      ['array', []],
      ['number', 42],
      ['string', 'rsa-1'],
      ['missing kty', { n: 'AQAB', e: 'AQAB', kid: 'bad-1' }],
      ['unknown kty', { kty: 'XYZ', n: 'AQAB', e: 'AQAB', kid: 'bad-1' }],
      ['RSA missing n', { kty: 'RSA', e: 'AQAB', kid: 'bad-1' }],
      ['RSA numeric n', { kty: 'RSA', n: 12345, e: 'AQAB', kid: 'bad-1' }],
      ['EC missing y', { kty: 'EC', crv: 'P-256', x: 'AQAB', kid: 'bad-1' }],
      ['OKP missing x', { kty: 'OKP', crv: 'Ed25519', kid: 'bad-1' }],
      ['numeric kid', { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 7 }],
    ];

    for (const [label, entry] of malformed) {
      it(`drops malformed entry: ${label}`, () => {
        expect(keptKids({ keys: [entry, rsa.publicJwk] })).to.deep.equal(['rsa-1']);
      });
    }
  });

  describe('issuer member', () => {
    it('keeps the issuer of an Azure AD key beside the JWK', () => {
      const key = onlyKey({ keys: [{ ...rsa.publicJwk, issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }] });

      expect(key.issuer).to.equal('https://login.microsoftonline.com/{tenantid}/v2.0');
      expect(key.jwk).to.not.have.property('issuer');
    });

    it('ignores an issuer that is not a string', () => {
      expect(onlyKey({ keys: [{ ...rsa.publicJwk, issuer: 42 }] }).issuer).to.equal(undefined);
    });
  });

  describe('private members', () => {
    it('drops RSA private members', async () => {
      const privateJwk: JWK = { ...(await exportJWK(rsa.privateKey)), kid: 'rsa-1', alg: 'RS256' };
      const key = onlyKey({ keys: [privateJwk] });

      expect(Object.keys(key.jwk).sort()).to.deep.equal(['alg', 'e', 'kid', 'kty', 'n']);
    });

    it('drops EC private member', async () => {
      const privateJwk: JWK = { ...(await exportJWK(ec.privateKey)), kid: 'ec-1' };
      const key = onlyKey({ keys: [privateJwk] });

      expect(key.jwk).to.not.have.property('d');
    });

    it('drops OKP private member', async () => {
      const privateJwk: JWK = { ...(await exportJWK(ed.privateKey)), kid: 'ed-1' };
      const key = onlyKey({ keys: [privateJwk] });

      expect(key.jwk).to.not.have.property('d');
    });

    it('keeps public values', () => {
      const key = onlyKey({ keys: [rsa.publicJwk] });

      expect(key.jwk.n).to.equal(rsa.publicJwk.n);
      expect(key.jwk.e).to.equal(rsa.publicJwk.e);
    });
  });

  describe('non-JWKS documents', () => {
    const documents: Array<[string, unknown]> = [
      ['null', null],
      ['undefined', undefined],
      ['string', 'keys'],
      ['array', [{ kty: 'RSA' }]],
      ['object without keys', { issuer: 'https://login.example.com' }],
      ['keys object', { keys: {} }],
      ['keys null', { keys: null }],
    ];

    for (const [label, document] of documents) {
      it(`returns undefined for ${label}`, () => {
        expect(readVerificationKeys(document, ALL)).to.equal(undefined);
      });
    }
  });
});

describe('VerificationKey', () => {
  let rsa: IssuerKey;
  let ec: IssuerKey;
  let ed: IssuerKey;
  let p384: IssuerKey;

  before(async () => {
    rsa = await makeKey('rsa-1', 'RS256');
    ec = await makeKey('ec-1', 'ES256');
    ed = await makeKey('ed-1', 'EdDSA');
    p384 = await makeKey('ec-384', 'ES384');
  });

  function withoutAlg(key: IssuerKey): VerificationKey {
    return onlyKey({ keys: [withoutMembers(key.publicJwk, 'alg')] });
  }

  describe('fits', () => {
    const cases: Array<[string, () => IssuerKey, string, boolean]> = [
      ['RSA key fits RS256', () => rsa, 'RS256', true],
      ['RSA key fits RS512', () => rsa, 'RS512', true],
      ['RSA key fits PS256', () => rsa, 'PS256', true],
      ['RSA key rejects ES256', () => rsa, 'ES256', false],
      ['RSA key rejects EdDSA', () => rsa, 'EdDSA', false],
      ['P-256 key fits ES256', () => ec, 'ES256', true],
      ['P-256 key rejects ES384', () => ec, 'ES384', false],
      ['P-256 key rejects RS256', () => ec, 'RS256', false],
      ['P-384 key fits ES384', () => p384, 'ES384', true],
      ['P-384 key rejects ES256', () => p384, 'ES256', false],
      ['Ed25519 key fits EdDSA', () => ed, 'EdDSA', true],
      ['Ed25519 key fits Ed25519', () => ed, 'Ed25519', true],
      ['Ed25519 key rejects ES256', () => ed, 'ES256', false],
      ['Ed25519 key rejects RS256', () => ed, 'RS256', false],
    ];

    for (const [label, key, alg, fits] of cases) {
      it(label, () => {
        expect(withoutAlg(key()).fits(alg)).to.equal(fits);
      });
    }

    it('own alg fits same alg', () => {
      expect(onlyKey({ keys: [rsa.publicJwk] }).fits('RS256')).to.equal(true);
    });

    it('own alg rejects other RSA alg', () => {
      const key = onlyKey({ keys: [rsa.publicJwk] });

      expect(key.fits('RS384')).to.equal(false);
      expect(key.fits('PS256')).to.equal(false);
    });
  });

  describe('importFor', () => {
    async function verifiesOwnSignature(key: IssuerKey): Promise<string | undefined> {
      const token = await new SignJWT({ sub: 'user-1' })
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .sign(key.privateKey);
      const imported = await onlyKey({ keys: [key.publicJwk] }).importFor(key.alg);
      const { payload } = await jwtVerify(token, imported, { algorithms: [key.alg] });
      return payload.sub;
    }

    it('imports RSA key for jose', async () => {
      expect(await verifiesOwnSignature(rsa)).to.equal('user-1');
    });

    it('imports EC key for jose', async () => {
      expect(await verifiesOwnSignature(ec)).to.equal('user-1');
    });

    it('has imported key only once import finished', async () => {
      const key = onlyKey({ keys: [rsa.publicJwk] });
      expect(key.importedNow('RS256'), 'before importFor').to.equal(undefined);

      const imported = await key.importFor('RS256');

      expect(key.importedNow('RS256'), 'after importFor').to.equal(imported);
      expect(key.importedNow('RS384'), 'other algorithm').to.equal(undefined);
    });

    it('imports OKP key for jose', async () => {
      expect(await verifiesOwnSignature(ed)).to.equal('user-1');
    });

    it('reuses imported key', async () => {
      const key = onlyKey({ keys: [rsa.publicJwk] });

      expect(await key.importFor('RS256')).to.equal(await key.importFor('RS256'));
    });

    it('rejects key that cannot be imported', async () => {
      const key = onlyKey({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AQAB', y: 'AQAB', kid: 'bad-1' }] });

      expect(await rejectionOf(key.importFor('ES256'))).to.be.instanceOf(Error);
    });
  });
});
