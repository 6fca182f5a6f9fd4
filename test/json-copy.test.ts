import { expect } from 'chai';

import { copyJson, toJsonValue } from '../src/cache/json-copy.js';

describe('toJsonValue', function () {
  it('returns equal plain data', function () {
    const claims = { sub: 'user-1', exp: 1_900_000_000, roles: ['admin'], address: { country: 'NL' } };
    expect(toJsonValue(claims)).to.deep.equal(claims);
  });

  it('detaches result from argument', function () {
    const claims = { roles: ['admin'], address: { country: 'NL' } };
    const stored = toJsonValue(claims) as typeof claims;

    claims.roles.push('root');
    claims.address.country = 'DE';

    expect(stored.roles).to.deep.equal(['admin']);
    expect(stored.address.country).to.equal('NL');
  });

  it('converts values as JSON does', function () {
    const value = { at: new Date(0), missing: undefined, call: () => 1 };
    expect(toJsonValue(value)).to.deep.equal({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('returns undefined for unrepresentable values', function () {
    expect(toJsonValue(undefined)).to.equal(undefined);
    expect(toJsonValue(() => 1)).to.equal(undefined);
  });

  it('throws on BigInt', function () {
    expect(() => toJsonValue({ big: 1n })).to.throw(TypeError);
  });
});

describe('copyJson', function () {
  it('returns primitives unchanged', function () {
    for (const value of ['text', 42, true, null, undefined]) {
      expect(copyJson(value)).to.equal(value);
    }
  });

  it('copies nested objects and arrays', function () {
    const original = { sub: 'user-1', roles: ['admin', { scope: 'read' }], address: { country: 'NL' } };
    const copy = copyJson(original);

    expect(copy).to.deep.equal(original);
    expect(copy).to.not.equal(original);
    expect(copy.roles, 'array').to.not.equal(original.roles);
    expect(copy.roles[1], 'object in array').to.not.equal(original.roles[1]);
    expect(copy.address, 'nested object').to.not.equal(original.address);
  });

  it('leaves original unchanged by edits', function () {
    const original = { roles: ['admin'], address: { country: 'NL' } };
    const copy = copyJson(original);

    copy.roles.push('root');
    copy.address.country = 'DE';

    expect(original.roles).to.deep.equal(['admin']);
    expect(original.address.country).to.equal('NL');
  });

  it('keeps __proto__ as own property', function () {
    const original = JSON.parse('{"__proto__": {"admin": true}, "sub": "user-1"}') as Record<string, unknown>;
    const copy = copyJson(original);

    expect(Object.getPrototypeOf(copy), 'prototype').to.equal(Object.prototype);
    expect(Object.keys(copy)).to.deep.equal(['__proto__', 'sub']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).to.deep.equal({ admin: true });
    expect((copy as { admin?: unknown }).admin, 'inherited admin').to.equal(undefined);
  });
});
