import type { IncomingMessage } from 'node:http';

import { expect } from 'chai';

import { ConnectionMemo } from '../src/adapters/connection-memo.js';
import type { MemoryHit, VerifiedTokenCache } from '../src/cache/verified-token-cache.js';

const HEADER = 'Bearer aaa.bbb.ccc';
const READ = { token: 'aaa.bbb.ccc', keys: ['rco:namespace:digest', 'rco:revoked:digest'] };

/** Returns a cache whose hits are current while `state.current` is true. */
function cacheWith(state: { current: boolean }): VerifiedTokenCache {
  return { isCurrent: () => state.current } as unknown as VerifiedTokenCache;
}

function hitFor(sub: string): MemoryHit {
  return { kind: 'hit', verified: { claims: { sub }, provider: {} as never }, stamp: { store: {}, version: 0, until: Infinity } };
}

function requestOn(socket: object | null): IncomingMessage {
  return { socket } as unknown as IncomingMessage;
}

describe('ConnectionMemo', function () {
  it('recalls hit for same header', function () {
    const memo = new ConnectionMemo(cacheWith({ current: true }));
    const socket = {};
    memo.keep(requestOn(socket), HEADER, READ, hitFor('user-1'));

    expect(memo.recall(requestOn(socket), HEADER)?.claims.sub).to.equal('user-1');
  });

  it('misses other headers and connections', function () {
    const state = { current: true };
    const memo = new ConnectionMemo(cacheWith(state));
    const socket = {};
    memo.keep(requestOn(socket), HEADER, READ, hitFor('user-1'));

    expect(memo.recall(requestOn(socket), `${HEADER} `), 'header with a trailing space').to.equal(undefined);
    expect(memo.recall(requestOn(socket), HEADER.replace('Bearer', 'bearer')), 'scheme in lower case').to.equal(undefined);
    expect(memo.recall(requestOn({}), HEADER), 'other connection').to.equal(undefined);
    state.current = false;
    expect(memo.recall(requestOn(socket), HEADER), 'hit no longer current').to.equal(undefined);
  });

  it('keeps last header only', function () {
    const memo = new ConnectionMemo(cacheWith({ current: true }));
    const socket = {};
    memo.keep(requestOn(socket), HEADER, READ, hitFor('user-1'));
    memo.keep(requestOn(socket), 'Bearer ddd.eee.fff', READ, hitFor('user-2'));

    expect(memo.recall(requestOn(socket), HEADER), 'earlier header').to.equal(undefined);
    expect(memo.recall(requestOn(socket), 'Bearer ddd.eee.fff')?.claims.sub).to.equal('user-2');
  });

  it('recalls token and cache keys for same header', function () {
    const memo = new ConnectionMemo(cacheWith({ current: false }));
    const socket = {};
    memo.keep(requestOn(socket), HEADER, READ);

    expect(memo.tokenFor(requestOn(socket), HEADER), 'same header').to.include({ token: READ.token, keys: READ.keys });
    expect(memo.tokenFor(requestOn(socket), 'Bearer ddd.eee.fff'), 'other header').to.equal(undefined);
    expect(memo.tokenFor(requestOn({}), HEADER), 'other connection').to.equal(undefined);
    expect(memo.recall(requestOn(socket), HEADER), 'no hit kept').to.equal(undefined);
  });

  it('keeps configurations apart', function () {
    const first = new ConnectionMemo(cacheWith({ current: true }));
    const second = new ConnectionMemo(cacheWith({ current: true }));
    const socket = {};
    first.keep(requestOn(socket), HEADER, READ, hitFor('user-1'));

    expect(second.recall(requestOn(socket), HEADER)).to.equal(undefined);
  });

  it('ignores request without connection', function () {
    const memo = new ConnectionMemo(cacheWith({ current: true }));
    memo.keep(requestOn(null), HEADER, READ, hitFor('user-1'));
    expect(memo.recall(requestOn(null), HEADER)).to.equal(undefined);
  });
});
