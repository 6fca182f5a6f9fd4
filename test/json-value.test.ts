import { expect } from 'chai';

import { freezeJson, toJsonValue } from '../src/cache/json-value.js';

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

describe('freezeJson', function () {
  it('returns primitives unchanged', function () {
    for (const value of ['text', 42, true, null, undefined]) {
      expect(freezeJson(value)).to.equal(value);
    }
  });

  it('freezes nested objects and arrays in place', function () {
    const value = { sub: 'user-1', roles: ['admin', { scope: 'read' }], address: { country: 'NL' } };

    const frozen = freezeJson(value);

    expect(frozen).to.equal(value);
    for (const [name, part] of Object.entries({ root: value, roles: value.roles, 'object in array': value.roles[1], address: value.address })) {
      expect(Object.isFrozen(part), name).to.equal(true);
    }
  });

  it('rejects edits in strict mode', function () {
    const value = freezeJson({ sub: 'user-1', roles: ['admin'], address: { country: 'NL' } });

    expect(() => value.roles.push('root')).to.throw(TypeError);
    expect(() => {
      (value as { sub: string }).sub = 'someone-else';
    }).to.throw(TypeError);
    expect(() => {
      value.address.country = 'DE';
    }).to.throw(TypeError);
    expect(value).to.deep.equal({ sub: 'user-1', roles: ['admin'], address: { country: 'NL' } });
  });

  it('freezes own __proto__ property only', function () {
    const value = JSON.parse('{"__proto__": {"admin": true}, "sub": "user-1"}') as Record<string, unknown>;

    freezeJson(value);

    expect(Object.isFrozen(Object.getOwnPropertyDescriptor(value, '__proto__')?.value), 'own __proto__ value').to.equal(true);
    expect(Object.isFrozen(Object.prototype), 'Object.prototype').to.equal(false);
  });

  it('skips inherited enumerable properties', function () {
    // Code elsewhere in a process may add an enumerable object to Object.prototype.
    const added = {};
    Object.defineProperty(Object.prototype, 'addedElsewhere', { value: added, enumerable: true, configurable: true, writable: true });
    const value = JSON.parse('{"sub": "user-1", "nested": {"roles": ["admin"]}}') as { nested: { roles: string[] } };
    let returned: unknown;
    try {
      returned = freezeJson(value);
    } finally {
      delete (Object.prototype as Record<string, unknown>).addedElsewhere;
    }

    expect(returned).to.equal(value);
    expect(Object.isFrozen(value.nested.roles), 'nested array').to.equal(true);
    expect(Object.isFrozen(added), 'inherited value').to.equal(false);
  });
});
