import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configureOidcAuth } from '../src/index.js';
import { createExpressApp } from './express-app.js';
import { ADMIN_CLIENT_ID, VIEWER_CLIENT_ID, checkExampleRequests, formatCurlCommands } from './example-requests.js';
import { createKoaApp } from './koa-app.js';
import { closeServer } from './listen.js';
import { startOidcServer, type RunningOidcServer } from './oidc-server.js';

const AUDIENCE = 'api://example';
const USAGE = 'Usage: node build/example/main.js [--express] [--check] [--help]\n'
  + '  --express  serve the API with Express instead of Koa\n'
  + '  --check    send the example requests, print the results and exit (0 if all statuses match)';

interface RunOptions {
  framework: 'koa' | 'express';
  check: boolean;
}

function parseArguments(args: string[]): RunOptions {
  if (args.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg !== '--express' && arg !== '--check');
  if (unknown.length > 0) {
    console.error(`Unknown option ${unknown.join(', ')}\n${USAGE}`);
    process.exit(2);
  }
  return { framework: args.includes('--express') ? 'express' : 'koa', check: args.includes('--check') };
}

function startOidc(): Promise<RunningOidcServer> {
  const secret = (): string => randomBytes(24).toString('base64url');
  return startOidcServer({
    audience: AUDIENCE,
    clients: [
      { clientId: ADMIN_CLIENT_ID, clientSecret: secret(), roles: ['admin'], scopes: ['reports.read'] },
      { clientId: VIEWER_CLIENT_ID, clientSecret: secret(), roles: ['viewer'], scopes: [] },
    ],
  });
}

async function issueTokens(oidc: RunningOidcServer): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const clientId of [ADMIN_CLIENT_ID, VIEWER_CLIENT_ID]) {
    tokens.set(clientId, await oidc.issueAccessToken(clientId));
  }
  return tokens;
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function serveUntilStopped(oidc: RunningOidcServer, baseUrl: string, tokens: Map<string, string>, framework: string): Promise<void> {
  console.log(`OIDC issuer ${oidc.issuer}, ${framework} API at ${baseUrl}. Tokens expire in one hour.\n`);
  console.log(formatCurlCommands(baseUrl, tokens).join('\n'));
  console.log('\nPress Ctrl-C to stop.');
  const signal = await waitForStopSignal();
  console.log(`Received ${signal}, closing servers.`);
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const oidc = await startOidc();
  let api: Server | undefined;

  try {
    configureOidcAuth({ oidcUrls: [oidc.discoveryUrl], audiences: [AUDIENCE], rolesKey: 'roles', excludedPaths: ['/public'] });
    api = options.framework === 'express' ? await createExpressApp() : await createKoaApp();
    const baseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const tokens = await issueTokens(oidc);

    if (options.check) {
      process.exitCode = (await checkExampleRequests(baseUrl, tokens)) ? 0 : 1;
    } else {
      await serveUntilStopped(oidc, baseUrl, tokens, options.framework);
    }
  } finally {
    if (api !== undefined) await closeServer(api);
    await oidc.close();
  }
}

main().catch((error: unknown) => {
  console.error('Example failed:', error);
  process.exitCode = 1;
});
