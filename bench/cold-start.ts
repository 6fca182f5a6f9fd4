// The cold-start measurement: a fresh library server trusting two local issuers gets 500 simultaneous
// first requests, half with each issuer's token, and each issuer's request log shows how many times
// the server fetched its discovery document and its JWKS.
import { request } from 'node:http';

import { TestIssuer } from '../test/support/test-issuer.js';
import { startServer, stopServer } from './load.js';
import { AUDIENCE, ROUTE, type IssuerEndpoints } from './rows.js';

const REQUESTS = 500;
const REQUEST_TIMEOUT_MS = 15_000;

/** Discovery and JWKS fetches that one provider's issuer logged. */
export interface ProviderFetches {
  discoveryUrl: string;
  discoveryFetches: number;
  jwksFetches: number;
}

/** Measurements of the cold-start burst. */
export interface ColdStartResult {
  requests: number;
  ok: number;
  failed: number;
  /** Milliseconds from sending the first request to the last response. */
  elapsedMs: number;
  providers: ProviderFetches[];
}

/** Returns where `issuer` serves its documents, as the servers need them. */
export function endpointsOf(issuer: TestIssuer): IssuerEndpoints {
  return { issuer: issuer.issuer, discoveryUrl: issuer.discoveryUrl, jwksUri: `${issuer.issuer}/jwks` };
}

// Sends one request on its own connection, so that all of them are in flight at once.
// Resolves to the status code, or to 0 on a network error or timeout.
function getStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = request(url, { agent: false, headers: { authorization: `Bearer ${token}` }, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', () => resolve(0));
    outgoing.end();
  });
}

async function burst(url: string, tokens: string[]): Promise<{ statuses: number[]; elapsedMs: number }> {
  const started = performance.now();
  const statuses = await Promise.all(Array.from({ length: REQUESTS }, (_, index) => getStatus(url, tokens[index % tokens.length])));
  return { statuses, elapsedMs: performance.now() - started };
}

/** Runs the burst against a new server process and two new issuers, and closes them all. */
export async function measureColdStart(redisUrl: string): Promise<ColdStartResult> {
  const issuers = [await TestIssuer.start(), await TestIssuer.start()];
  const tokens = await Promise.all(issuers.map((issuer) => issuer.sign({ aud: AUDIENCE, sub: 'cold-start', exp: Math.floor(Date.now() / 1000) + 3600 })));
  const server = await startServer({ kind: 'library-two-providers', issuers: issuers.map(endpointsOf), redisUrl, redisNamespace: '' });
  try {
    const { statuses, elapsedMs } = await burst(`${server.baseUrl}${ROUTE}`, tokens);
    const ok = statuses.filter((status) => status >= 200 && status < 300).length;
    const providers = issuers.map((issuer) => ({
      discoveryUrl: issuer.discoveryUrl,
      discoveryFetches: issuer.count('/.well-known/openid-configuration'),
      jwksFetches: issuer.count('/jwks'),
    }));
    return { requests: REQUESTS, ok, failed: REQUESTS - ok, elapsedMs, providers };
  } finally {
    await stopServer(server);
    await Promise.all(issuers.map((issuer) => issuer.close()));
  }
}
