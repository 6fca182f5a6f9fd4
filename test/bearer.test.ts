import { expect } from 'chai';

import { extractBearerToken } from '../src/verification/bearer.js';
import { AuthError } from '../src/verification/errors.js';
import { errorThrownBy } from './support/unit/rejection.js';

const MAX_LENGTH = 64;
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln';

function invalidTokenCode(header: string): string | undefined {
  const error = errorThrownBy(() => extractBearerToken(header, MAX_LENGTH));
  expect(error).to.be.instanceOf(AuthError);
  return (error as AuthError).code;
}

describe('extractBearerToken', () => {
  describe('accepted headers', () => {
    const headers: Array<[string, string]> = [
      ['capitalized scheme', `Bearer ${TOKEN}`],
      ['lowercase scheme', `bearer ${TOKEN}`],
      ['uppercase scheme', `BEARER ${TOKEN}`],
      ['mixed-case scheme', `bEaReR ${TOKEN}`],
      ['several spaces', `Bearer    ${TOKEN}`],
      ['trailing spaces', `Bearer ${TOKEN}   `],
    ];

    for (const [label, header] of headers) {
      it(`returns token after ${label}`, () => {
        expect(extractBearerToken(header, MAX_LENGTH)).to.equal(TOKEN);
      });
    }

    const tokens = ['abc', 'a-b_c.d~e+f/g', 'YWJj=', 'YQ==', 'x'.repeat(MAX_LENGTH)];

    for (const token of tokens) {
      it(`accepts b64token ${token.length > 20 ? 'of max length' : token}`, () => {
        expect(extractBearerToken(`Bearer ${token}`, MAX_LENGTH)).to.equal(token);
      });
    }
  });

  describe('headers without bearer token', () => {
    const headers: Array<[string, string | undefined]> = [
      ['missing header', undefined],
      ['empty header', ''],
      ['Basic scheme', 'Basic dXNlcjpwYXNz'],
      ['Token scheme', `Token ${TOKEN}`],
      ['empty Bearer', 'Bearer'],
      ['Bearer with spaces only', 'Bearer    '],
      ['scheme without space', `Bearer${TOKEN}`],
      ['longer scheme name', `Bearers ${TOKEN}`],
      ['leading space', ` Bearer ${TOKEN}`],
    ];

    for (const [label, header] of headers) {
      it(`returns undefined for ${label}`, () => {
        expect(extractBearerToken(header, MAX_LENGTH)).to.equal(undefined);
      });
    }
  });

  describe('invalid tokens', () => {
    it('rejects token over max length', () => {
      expect(invalidTokenCode(`Bearer ${'x'.repeat(MAX_LENGTH + 1)}`)).to.equal('invalid_token');
    });

    it('rejects very long header', () => {
      expect(invalidTokenCode(`Bearer ${'x'.repeat(1_000_000)}`)).to.equal('invalid_token');
    });

    it('rejects over-length token with bad characters', () => {
      expect(invalidTokenCode(`Bearer ${'!'.repeat(MAX_LENGTH + 1)}`)).to.equal('invalid_token');
    });

    it('invalid token error is 401 with bearer error', () => {
      const error = errorThrownBy(() => extractBearerToken('Bearer a b', MAX_LENGTH)) as AuthError;

      expect(error.status).to.equal(401);
      expect(error.bearerError).to.equal('invalid_token');
    });

    const tokens: Array<[string, string]> = [
      ['inner space', 'abc def'],
      ['tab', 'abc\tdef'],
      ['comma', 'abc,def'],
      ['quote', 'abc"def'],
      ['semicolon', 'abc;def'],
      ['non-ASCII letter', 'abcädef'],
      ['equals sign inside', 'ab=cd'],
      ['only equals signs', '=='],
      ['percent sign', 'abc%20def'],
      ['backslash', 'abc\\def'],
    ];

    for (const [label, token] of tokens) {
      it(`rejects ${label}`, () => {
        expect(invalidTokenCode(`Bearer ${token}`)).to.equal('invalid_token');
      });
    }
  });
});
