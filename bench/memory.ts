// The memory measurement, a child process run with --expose-gc: N distinct tokens pass through
// the library's default in-memory token cache (default maximum size), and the heap is measured
// after forced garbage collection before the first token and after the last.
//
// Signing and verifying a million RS256 tokens would take minutes, so each token is an unsigned
// string of an RS256 token's shape and length with distinct claims. It enters the cache through
// TokenCacheSingleton.addToken, the same VerifiedTokenCache.add a verified request ends with, and
// is then authenticated through authorizationChecker with a Koa-shaped action, which finds it in
// the cache. No HTTP is involved.
// Usage: node --expose-gc build/bench/memory.js TOKENS; prints one JSON line (MemoryResult).
import 'reflect-metadata';

import type { Action } from 'routing-controllers';

import { authorizationChecker, configureOidcAuth, TokenCacheSingleton } from '../src/index.js';
import { TestIssuer } from '../test/support/test-issuer.js';
import { AUDIENCE } from './rows.js';

/** Measurements that the memory child process prints. */
export interface MemoryResult {
  tokens: number;
  elapsedMs: number;
  heapUsedBefore: number;
  /** After the first 2000 tokens, when the default cache (1000 entries) is full. */
  heapUsedWhenFull: number;
  heapUsedAfter: number;
  cachedEntries: number;
  firstTokenEvicted: boolean;
  lastTokenCached: boolean;
}

const FULL_AFTER = 2000;
const HEADER = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'test-key-1', typ: 'at+jwt' })).toString('base64url');
// A 2048-bit RSA signature is 256 bytes, 342 base64url characters.
const SIGNATURE = 'S'.repeat(342);

function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error('global.gc is missing: run this script with node --expose-gc.');
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function mint(issuer: string, index: number, now: number): { token: string; claims: Record<string, unknown> } {
  const claims = { iss: issuer, aud: AUDIENCE, sub: `user-${index}`, iat: now, exp: now + 3600, jti: `memory-${index}` };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${HEADER}.${payload}.${SIGNATURE}`, claims };
}

// The parts of a Koa context that the library's checkers read, for a request that carries `token`.
function koaAction(token: string): Action {
  const authorization = `Bearer ${token}`;
  const req = { headers: { authorization }, rawHeaders: ['Authorization', authorization] };
  const context = { req, method: 'GET', path: '/bench', state: {}, query: {}, get: () => '', set: () => undefined };
  return { request: context, response: {}, context };
}

async function passToken(issuer: string, index: number, now: number): Promise<void> {
  const { token, claims } = mint(issuer, index, now);
  await TokenCacheSingleton.addToken(token, claims);
  if (!(await authorizationChecker(koaAction(token), []))) {
    throw new Error(`Token ${index} was not accepted from the cache.`);
  }
}

async function main(): Promise<void> {
  const tokens = Number(process.argv[2]);
  if (!Number.isInteger(tokens) || tokens < FULL_AFTER) {
    throw new Error(`Invalid token count '${process.argv[2]}': expected an integer of at least ${FULL_AFTER}.`);
  }
  // Nothing is fetched, because no token is verified; the loopback issuer only gives the configuration a real URL.
  const issuer = await TestIssuer.start();
  configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] });
  const now = Math.floor(Date.now() / 1000);
  const heapUsedBefore = heapUsedAfterGc();
  const started = performance.now();
  let heapUsedWhenFull = 0;
  for (let index = 0; index < tokens; index += 1) {
    await passToken(issuer.issuer, index, now);
    if (index + 1 === FULL_AFTER) {
      heapUsedWhenFull = heapUsedAfterGc();
    }
  }
  const elapsedMs = performance.now() - started;
  const heapUsedAfter = heapUsedAfterGc();
  const page = (await TokenCacheSingleton.listTokens(1, 1)) as { totalTokens: number };
  const firstTokenEvicted = (await TokenCacheSingleton.getToken(mint(issuer.issuer, 0, now).token)) === undefined;
  const lastTokenCached = (await TokenCacheSingleton.getToken(mint(issuer.issuer, tokens - 1, now).token)) !== undefined;
  await issuer.close();
  const result: MemoryResult = { tokens, elapsedMs, heapUsedBefore, heapUsedWhenFull, heapUsedAfter, cachedEntries: page.totalTokens, firstTokenEvicted, lastTokenCached };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
