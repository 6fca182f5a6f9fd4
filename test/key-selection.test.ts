import { expect } from 'chai';
import type { ProtectedHeaderParameters } from 'jose';

import { readVerificationKeys, type VerificationKey } from '../src/discovery/jwks.js';
import { SUPPORTED_ALGORITHMS } from '../src/verification/algorithms.js';
import { AuthError } from '../src/verification/errors.js';
import { MAX_KEY_ID_LENGTH, readKeyId, selectKey } from '../src/verification/key-selection.js';
import { makeKey } from './support/test-issuer.js';
import { errorThrownBy } from './support/unit/rejection.js';
import { withoutMembers } from './support/unit/without-members.js';

function errorCode(action: () => unknown): string | undefined {
  const error = errorThrownBy(action);
  expect(error).to.be.instanceOf(AuthError);
  return (error as AuthError).code;
}

describe('readKeyId', () => {
  it('returns string kid', () => {
    expect(readKeyId({ alg: 'RS256', kid: 'key-1' })).to.equal('key-1');
  });

  it('returns kid of max length', () => {
    const kid = 'k'.repeat(MAX_KEY_ID_LENGTH);

    expect(readKeyId({ alg: 'RS256', kid })).to.equal(kid);
  });

  it('returns undefined for missing kid', () => {
    expect(readKeyId({ alg: 'RS256' })).to.equal(undefined);
  });

  const invalid: Array<[string, unknown]> = [
    ['numeric kid', 42],
    ['object kid', { id: 'key-1' }],
    ['array kid', ['key-1']],
    ['null kid', null],
    ['boolean kid', true],
    ['empty kid', ''],
    ['too long kid', 'k'.repeat(MAX_KEY_ID_LENGTH + 1)],
  ];

  for (const [label, kid] of invalid) {
    it(`rejects ${label}`, () => {
      const header = { alg: 'RS256', kid } as unknown as ProtectedHeaderParameters;

      expect(errorCode(() => readKeyId(header))).to.equal('invalid_token');
    });
  }
});

describe('selectKey', () => {
  let keys: VerificationKey[];

  before(async () => {
    const rsa = await makeKey('rsa-1', 'RS256');
    const ec = await makeKey('ec-1', 'ES256');
    const rsaWithoutAlg = withoutMembers((await makeKey('rsa-any', 'RS256')).publicJwk, 'alg');
    keys = readVerificationKeys({ keys: [rsa.publicJwk, ec.publicJwk, rsaWithoutAlg] }, SUPPORTED_ALGORITHMS) ?? [];
    expect(keys).to.have.lengthOf(3);
  });

  it('returns key with kid', () => {
    expect(selectKey(keys, 'ec-1', 'ES256').kid).to.equal('ec-1');
  });

  it('returns key without own alg', () => {
    expect(selectKey(keys, 'rsa-any', 'PS256').kid).to.equal('rsa-any');
  });

  it('rejects missing kid', () => {
    expect(errorCode(() => selectKey(keys, undefined, 'RS256'))).to.equal('invalid_token');
  });

  it('rejects unknown kid', () => {
    expect(errorCode(() => selectKey(keys, 'rsa-2', 'RS256'))).to.equal('key_not_found');
  });

  it('rejects kid with other letter case', () => {
    expect(errorCode(() => selectKey(keys, 'RSA-1', 'RS256'))).to.equal('key_not_found');
  });

  it('rejects kid in empty JWKS', () => {
    expect(errorCode(() => selectKey([], 'rsa-1', 'RS256'))).to.equal('key_not_found');
  });

  it('rejects key of other type', () => {
    expect(errorCode(() => selectKey(keys, 'ec-1', 'RS256'))).to.equal('invalid_token');
  });

  it('rejects key of other curve', () => {
    expect(errorCode(() => selectKey(keys, 'ec-1', 'ES384'))).to.equal('invalid_token');
  });

  it('rejects alg other than own alg', () => {
    expect(errorCode(() => selectKey(keys, 'rsa-1', 'PS256'))).to.equal('invalid_token');
  });

  it('rejects RSA key for EdDSA', () => {
    expect(errorCode(() => selectKey(keys, 'rsa-any', 'EdDSA'))).to.equal('invalid_token');
  });

  it('key_not_found is 401 with bearer error', () => {
    const error = errorThrownBy(() => selectKey(keys, 'rsa-2', 'RS256')) as AuthError;

    expect(error.status).to.equal(401);
    expect(error.bearerError).to.equal('invalid_token');
  });
});
