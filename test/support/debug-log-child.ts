// Run by test/logging.test.ts in a child process, with NODE_DEBUG set or not. It configures the
// library with its default logger, sends a valid and an invalid token through a Koa app on
// loopback, and prints the two response statuses as JSON on stdout.
import 'reflect-metadata';

import { configureOidcAuth } from '../../src/index.js';
import { get } from './http.js';
import { startKoaApp } from './test-apps.js';
import { TestIssuer } from './test-issuer.js';

const AUDIENCE = 'api://debug-log-child';

async function main(): Promise<void> {
  const issuer = await TestIssuer.start();
  configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE] });
  const app = await startKoaApp(false);

  const valid = await get(`${app.baseUrl}/any-token`, { token: await issuer.sign({ aud: AUDIENCE, sub: 'debug-child-user' }) });
  const invalid = await get(`${app.baseUrl}/any-token`, { token: await issuer.sign({ aud: 'api://another-audience' }) });

  // Exits at once, because keep-alive connections of fetch would hold the servers open for seconds.
  process.stdout.write(JSON.stringify({ valid: valid.status, invalid: invalid.status }), () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
