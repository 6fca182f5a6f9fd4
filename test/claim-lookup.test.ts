import { expect } from 'chai';

import { lookUpClaim, rolesFromClaim } from '../src/authorization/claim-lookup.js';

describe('lookUpClaim', function () {
  const claims = {
    roles: ['admin'],
    'cognito:groups': ['editors'],
    'https://example.com/roles': ['owner'],
    'p1.region': 'NA',
    p1: { region: 'EU' },
    realm_access: { roles: ['realm-admin'] },
    resource_access: { 'my-api': { roles: ['api-user'] }, 'orders.api': { roles: ['orders-user'] }, orders: { api: { roles: ['nested-user'] } } },
    'https://example.com': { roles: ['namespaced'] },
    nothing: null,
  };

  it('reads a top-level claim', function () {
    expect(lookUpClaim(claims, 'roles')).to.deep.equal(['admin']);
  });

  it('reads claim names with colon and slash', function () {
    expect(lookUpClaim(claims, 'cognito:groups')).to.deep.equal(['editors']);
    expect(lookUpClaim(claims, 'https://example.com/roles')).to.deep.equal(['owner']);
  });

  it('prefers the exact name over the path', function () {
    expect(lookUpClaim(claims, 'p1.region')).to.equal('NA');
  });

  it('follows a dotted path', function () {
    expect(lookUpClaim(claims, 'realm_access.roles')).to.deep.equal(['realm-admin']);
    expect(lookUpClaim(claims, 'resource_access.my-api.roles')).to.deep.equal(['api-user']);
  });

  it('reads a path segment that contains dots', function () {
    expect(lookUpClaim(claims, 'resource_access.orders.api.roles')).to.deep.equal(['orders-user']);
    expect(lookUpClaim(claims, 'https://example.com.roles')).to.deep.equal(['namespaced']);
  });

  it('falls back to shorter names when the longest leads nowhere', function () {
    const partial = { resource_access: { 'orders.api': { scopes: [] }, orders: { api: { roles: ['nested-user'] } } } };

    expect(lookUpClaim(partial, 'resource_access.orders.api.roles')).to.deep.equal(['nested-user']);
  });

  it('returns undefined for a missing path', function () {
    for (const key of ['missing', 'realm_access.missing', 'nothing.roles', 'roles.0.x', 'constructor', '__proto__.x']) {
      expect(lookUpClaim(claims, key), key).to.equal(undefined);
    }
  });
});

describe('rolesFromClaim', function () {
  it('keeps the strings of an array', function () {
    expect(rolesFromClaim(['a', 1, null, 'b', { c: 1 }])).to.deep.equal(['a', 'b']);
  });

  it('splits a string by the delimiter', function () {
    expect(rolesFromClaim('read write  admin', ' ')).to.deep.equal(['read', 'write', 'admin']);
    expect(rolesFromClaim('read,write', ',')).to.deep.equal(['read', 'write']);
  });

  it('keeps a string whole without a delimiter', function () {
    expect(rolesFromClaim('read write')).to.deep.equal(['read write']);
  });

  it('grants nothing for other values', function () {
    for (const value of [undefined, null, 42, true, { admin: true }, '']) {
      expect(rolesFromClaim(value, ' '), JSON.stringify(value)).to.deep.equal([]);
    }
  });
});
