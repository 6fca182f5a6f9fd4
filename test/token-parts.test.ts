import { createRequire } from 'node:module';
import path from 'node:path';

import { expect } from 'chai';

import { AuthError } from '../src/verification/errors.js';
import { checkCompactJws, isCanonicalBase64url, isCompactJws, looksLikeJws, readCompactJws, readIssuer } from '../src/verification/token-parts.js';
import { BUILD, heapAfter } from './support/heap-search.js';
import { errorThrownBy } from './support/unit/rejection.js';

function segment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function token(header: unknown, payload: unknown, signature = 'c2lnbmF0dXJl'): string {
  return `${segment(header)}.${segment(payload)}.${signature}`;
}

const HEADER = { alg: 'RS256', kid: 'key-1', typ: 'at+jwt' };
const PAYLOAD = { iss: 'https://login.example.com', sub: 'user-1', aud: 'api://example', exp: 2_000_000_000 };

const BASE64URL_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// Returns `part` with its last character moved up by one in the base64url alphabet, wrapping around.
function withLastCharacterBumped(part: string): string {
  const last = BASE64URL_CHARACTERS.indexOf(part[part.length - 1]);
  return `${part.slice(0, -1)}${BASE64URL_CHARACTERS[(last + 1) % 64]}`;
}

function errorCode(read: () => unknown): string | undefined {
  const error = errorThrownBy(read);
  expect(error).to.be.instanceOf(AuthError);
  return (error as AuthError).code;
}

describe('readCompactJws', () => {
  describe('good tokens', () => {
    it('returns header', () => {
      expect(readCompactJws(token(HEADER, PAYLOAD)).header).to.deep.equal(HEADER);
    });

    it('returns payload undecoded', () => {
      const value = token(HEADER, PAYLOAD);

      expect(readCompactJws(value).payloadPart).to.equal(segment(PAYLOAD));
    });
  });

  describe('header memo', () => {
    it('shares frozen header per key', () => {
      const first = readCompactJws(token(HEADER, PAYLOAD)).header;
      const second = readCompactJws(token(HEADER, { ...PAYLOAD, sub: 'user-2' })).header;

      expect(Object.isFrozen(first), 'frozen').to.equal(true);
      expect(second).to.equal(first);
    });

    it('decodes every header of many keys', () => {
      for (let index = 0; index < 200; index += 1) {
        const header = { ...HEADER, kid: `key-${index}` };
        expect(readCompactJws(token(header, PAYLOAD)).header, header.kid).to.deep.equal(header);
      }
      expect(readCompactJws(token(HEADER, PAYLOAD)).header, 'first key again').to.deep.equal(HEADER);
    });

    // A segment sliced from a token keeps the whole token in memory. The child process runs the bearer
    // check and readCompactJws as a request does, then looks for the token in a heap snapshot.
    it('keeps no token in memory', function () {
      this.timeout(20_000);
      const setup = `
        const { randomBytes, randomUUID } = require('node:crypto');
        const { checkTokenCharacters } = require(${JSON.stringify(path.join(BUILD, 'src', 'verification', 'bearer.js'))});
        const { readCompactJws } = require(${JSON.stringify(path.join(BUILD, 'src', 'verification', 'token-parts.js'))});
        const segment = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const parts = [segment({ alg: 'RS256', kid: randomUUID() }), segment({ sub: randomUUID() }), randomBytes(64).toString('base64url')];
        globalThis.needle = Buffer.from(parts[1] + '.' + parts[2]);
        const token = ('Bearer ' + parts.join('.')).slice('Bearer '.length);
        checkTokenCharacters(token, 10000);
        readCompactJws(token);`;

      expect(heapAfter(setup)).to.equal('gone');
    });

    it('rejects a bad header every time', () => {
      const bad = `${segment('not json')}.${segment(PAYLOAD)}.c2lnbmF0dXJl`;
      expect(errorCode(() => readCompactJws(bad)), 'first').to.equal('invalid_token');
      expect(errorCode(() => readCompactJws(bad)), 'second').to.equal('invalid_token');
    });
  });

  describe('malformed tokens', () => {
    const good = token(HEADER, PAYLOAD);
    const [header, payload, signature] = good.split('.');
    const cases: Array<[string, string]> = [
      ['empty string', ''],
      ['one segment', header],
      ['two segments', `${header}.${payload}`],
      ['four segments', `${good}.${signature}`],
      ['five segments', `${good}.${header}.${payload}`],
      ['empty signature', `${header}.${payload}.`],
      ['empty payload', `${header}..${signature}`],
      ['standard base64 plus', `${header}.${payload}+.${signature}`],
      ['standard base64 slash', `${header}.${payload}/.${signature}`],
      ['base64 padding', `${header}.${payload}=.${signature}`],
      ['whitespace', `${header}. ${payload}.${signature}`],
      ['non-JSON header', `${segment('not json')}.${payload}.${signature}`],
      ['header that is array', token([HEADER], PAYLOAD)],
      ['byte order mark before payload', `${header}.${Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(PAYLOAD))]).toString('base64url')}.${signature}`],
    ];

    for (const [label, value] of cases) {
      it(`rejects ${label}`, () => {
        expect(errorCode(() => readCompactJws(value))).to.equal('invalid_token');
      });
    }
  });

  describe('non-canonical segments', () => {
    // Each segment's length is not a multiple of 4, so its last character carries unused bits.
    const parts = token(HEADER, PAYLOAD, segment('0123456789')).split('.');

    parts.forEach((part, index) => {
      const name = ['header', 'payload', 'signature'][index];
      it(`rejects ${name} in another spelling`, () => {
        const spelled = [...parts];
        spelled[index] = withLastCharacterBumped(part);

        expect(Buffer.from(spelled[index], 'base64url'), `${name} bytes`).to.deep.equal(Buffer.from(part, 'base64url'));
        expect(errorCode(() => readCompactJws(spelled.join('.')))).to.equal('invalid_token');
      });
    });
  });
});

describe('readIssuer', () => {
  it('returns issuer', () => {
    expect(readIssuer(segment(PAYLOAD))).to.equal('https://login.example.com');
  });

  it('keeps issuer exactly', () => {
    const issuer = 'https://login.example.com/tenant/';

    expect(readIssuer(segment({ ...PAYLOAD, iss: issuer }))).to.equal(issuer);
  });

  it('decodes base64url characters', () => {
    const issuer = 'https://login.example.com/>>>???';
    const part = segment({ ...PAYLOAD, iss: issuer });
    expect(part).to.match(/[-_]/);

    expect(readIssuer(part)).to.equal(issuer);
  });

  it('rejects a payload in another spelling', () => {
    const part = segment(PAYLOAD);
    expect(part.length % 4, 'unused bits').to.not.equal(0);

    expect(errorCode(() => readIssuer(withLastCharacterBumped(part)))).to.equal('invalid_token');
  });

  const payloads: Array<[string, unknown]> = [
    ['non-JSON payload', 'not json'],
    ['payload that is array', [PAYLOAD]],
    ['payload that is JSON string', '"https://login.example.com"'],
    ['payload that is number', 42],
    ['payload that is null', null],
    ['missing iss', { ...PAYLOAD, iss: undefined }],
    ['empty iss', { ...PAYLOAD, iss: '' }],
    ['numeric iss', { ...PAYLOAD, iss: 42 }],
    ['array iss', { ...PAYLOAD, iss: ['https://login.example.com'] }],
    ['object iss', { ...PAYLOAD, iss: { url: 'https://login.example.com' } }],
    ['null iss', { ...PAYLOAD, iss: null }],
  ];

  for (const [label, payload] of payloads) {
    it(`rejects ${label}`, () => {
      expect(errorCode(() => readIssuer(segment(payload)))).to.equal('invalid_token');
    });
  }
});

describe('isCompactJws', () => {
  it('rejects empty string first', () => {
    // A new copy of the module has not seen any token yet.
    const load = createRequire(__filename);
    const modulePath = load.resolve('../src/verification/token-parts.js');
    delete load.cache[modulePath];
    const fresh = load(modulePath) as { isCompactJws: typeof isCompactJws };

    expect(fresh.isCompactJws('')).to.equal(false);
  });

  it('accepts three base64url segments', () => {
    expect(isCompactJws(token(HEADER, PAYLOAD))).to.equal(true);
  });

  it('accepts an equal token built apart', () => {
    expect(checkCompactJws(token(HEADER, PAYLOAD)), 'checked').to.equal(true);
    expect(isCompactJws(token(HEADER, PAYLOAD)), 'kept by the check').to.equal(true);
    expect(isCompactJws(token(HEADER, PAYLOAD)), 'scanned').to.equal(true);
  });

  it('rejects malformed token after a good one', () => {
    const good = token(HEADER, PAYLOAD);
    const bad = `${good.slice(0, -1)}~`;
    expect(checkCompactJws(good), 'good').to.equal(true);

    expect(isCompactJws(bad), 'same length').to.equal(false);
    expect(isCompactJws(`${good}.`), 'longer').to.equal(false);
    expect(isCompactJws(''), 'empty').to.equal(false);
  });
});

describe('looksLikeJws', () => {
  it('accepts three non-empty parts', () => {
    expect(looksLikeJws('eyJh.eyJp.c2ln')).to.equal(true);
  });

  const shapes: Array<[string, string]> = [
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['empty header', '.b.c'],
    ['empty payload', 'a..c'],
    ['empty signature', 'a.b.'],
    ['only dots', '..'],
  ];
  for (const [label, token] of shapes) {
    it(`rejects ${label}`, () => {
      expect(looksLikeJws(token)).to.equal(false);
    });
  }
});

describe('isCanonicalBase64url', () => {
  it('agrees with re-encoding its bytes', () => {
    for (const prefix of ['', 'A', 'eH', 'eyJ', 'eyJh', 'eyJhb', 'eyJhbG']) {
      for (const last of BASE64URL_CHARACTERS) {
        const part = `${prefix}${last}`;
        const reencoded = Buffer.from(part, 'base64url').toString('base64url');
        expect(isCanonicalBase64url(part), part).to.equal(reencoded === part);
      }
    }
  });

  it('rejects a lone last character', () => {
    expect(isCanonicalBase64url('A')).to.equal(false);
    expect(isCanonicalBase64url('eyJhB')).to.equal(false);
  });

  it('accepts full groups of four', () => {
    expect(isCanonicalBase64url('eyJh')).to.equal(true);
    expect(isCanonicalBase64url('eyJhbGci')).to.equal(true);
  });
});
