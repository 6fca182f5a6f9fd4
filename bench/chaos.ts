// A bounded chaos run: valid, expired and forged tokens against a local Koa app while its identity
// provider (a loopback test issuer) fails at random. Prints a table and exits with 1 when the library
// made a wrong decision or returned 5xx although it had a good copy of the provider's documents.
// Usage: node build/bench/chaos.js [requests] [seed]
import 'reflect-metadata';

import { configureOidcAuth, warmUpOidcAuth } from '../src/index.js';
import { get } from '../test/support/http.js';
import { startKoaApp } from '../test/support/test-apps.js';
import { makeKey, TestIssuer, type IssuerBehaviour } from '../test/support/test-issuer.js';

const REQUESTS = Number(process.argv[2] ?? 10000);
const SEED = Number(process.argv[3] ?? 20261204);
const CONCURRENCY = 20;
const MAX_DURATION_MS = 120_000;
const AUDIENCE = 'api://chaos';
const BEHAVIOURS: IssuerBehaviour[] = ['normal', 'refuse', 'hang', 'error500', 'html', 'invalid-json', 'oversized', 'wrong-shape'];

type Kind = 'valid' | 'expired' | 'forged';

interface Tally {
  requests: number;
  acceptedValid: number;
  refusedInvalid: number;
  wrongDecisions: number;
  avoidable5xx: number;
}

// A small deterministic generator (mulberry32), so a seed reproduces a run.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

async function tokens(issuer: TestIssuer): Promise<Record<Kind, string>> {
  const now = Math.floor(Date.now() / 1000);
  const impostor = await makeKey(issuer.keys[0].kid, 'RS256');
  return {
    valid: await issuer.sign({ aud: AUDIENCE, exp: now + 3600 }),
    expired: await issuer.sign({ aud: AUDIENCE, iat: now - 7200, exp: now - 3600 }),
    forged: await issuer.sign({ aud: AUDIENCE, exp: now + 3600 }, { key: impostor }),
  };
}

// Half of the requests carry the valid token, a quarter the expired one and a quarter the forged one.
function pickKind(draw: number): Kind {
  if (draw < 0.5) {
    return 'valid';
  }
  return draw < 0.75 ? 'expired' : 'forged';
}

function record(tally: Tally, kind: Kind, status: number): void {
  tally.requests += 1;
  if (status >= 500) {
    tally.avoidable5xx += 1;
  } else if (kind === 'valid' ? status === 200 : status === 401) {
    if (kind === 'valid') tally.acceptedValid += 1;
    else tally.refusedInvalid += 1;
  } else {
    tally.wrongDecisions += 1;
  }
}

async function main(): Promise<void> {
  const next = random(SEED);
  const issuer = await TestIssuer.start();
  // Short lifetimes, so documents are refreshed many times during the run.
  configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], tokenTtl: 0, oidcTtl: 1, jwksTtl: 1, fetchTimeout: 1, providerRetryInterval: 1, maxStaleAge: 3600 });
  await warmUpOidcAuth({ throwOnFailure: true });
  const app = await startKoaApp(true);
  const sample = await tokens(issuer);
  const chaos = setInterval(() => issuer.behave(BEHAVIOURS[Math.floor(next() * BEHAVIOURS.length)]), 250);
  const tally: Tally = { requests: 0, acceptedValid: 0, refusedInvalid: 0, wrongDecisions: 0, avoidable5xx: 0 };
  const started = Date.now();
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < REQUESTS && Date.now() - started < MAX_DURATION_MS) {
      sent += 1;
      const draw = next();
      const kind = pickKind(draw);
      record(tally, kind, (await get(`${app.baseUrl}/me`, { token: sample[kind] })).status);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(chaos);
  issuer.behave('normal');
  printTable(tally, issuer.requests.length, Date.now() - started);
  await app.close();
  await issuer.close();
  process.exitCode = tally.wrongDecisions === 0 && tally.avoidable5xx === 0 ? 0 : 1;
}

function printTable(tally: Tally, fetches: number, elapsedMs: number): void {
  console.log(`Chaos run: seed ${SEED}, ${CONCURRENCY} connections, ${(elapsedMs / 1000).toFixed(1)} s`);
  console.log('| requests | accepted valid | refused invalid | wrong decisions | 5xx with a good copy | provider fetches |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| ${tally.requests} | ${tally.acceptedValid} | ${tally.refusedInvalid} | ${tally.wrongDecisions} | ${tally.avoidable5xx} | ${fetches} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
