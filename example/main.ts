import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { configureOidcAuth } from '../src/index.js';
import { checkExampleRequests, formatCurlCommands } from './example-requests.js';
import { ADMIN_CLIENT_ID, EXAMPLE_AUDIENCE, issueExampleTokens, PARTNER_AUDIENCE, VIEWER_CLIENT_ID } from './example-tokens.js';
import { createExpressApp } from './express-app.js';
import { createKoaApp } from './koa-app.js';
import { closeServer } from './listen.js';
import { startOidcServer, type RunningOidcServer } from './oidc-server.js';
import { startPartnerIssuer, type PartnerIssuer } from './partner-issuer.js';

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
    audience: EXAMPLE_AUDIENCE,
    clients: [
      { clientId: ADMIN_CLIENT_ID, clientSecret: secret(), roles: ['admin'], scopes: ['reports.read'] },
      { clientId: VIEWER_CLIENT_ID, clientSecret: secret(), roles: ['viewer'], scopes: [] },
    ],
  });
}

/** Configures the library to trust both issuers, each with its own audiences and roles claim. */
function configureAuth(oidc: RunningOidcServer, partner: PartnerIssuer): void {
  configureOidcAuth({
    providers: [
      { oidcUrls: [oidc.discoveryUrl], audiences: [EXAMPLE_AUDIENCE], rolesKey: 'roles' },
      { oidcUrls: [partner.discoveryUrl], audiences: [PARTNER_AUDIENCE], rolesKey: 'groups' },
    ],
    excludedPaths: ['/public'],
  });
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

function describeServers(oidc: RunningOidcServer, partner: PartnerIssuer, baseUrl: string, framework: string): string[] {
  return [
    `OIDC issuer    ${oidc.issuer} (audience ${EXAMPLE_AUDIENCE}, roles in "roles")`,
    `Partner issuer ${partner.issuer} (audience ${PARTNER_AUDIENCE}, roles in "groups")`,
    `${framework} API at ${baseUrl}. Tokens expire in one hour.`,
  ];
}

async function serveUntilStopped(lines: string[]): Promise<void> {
  console.log([...lines, '', 'Press Ctrl-C to stop.'].join('\n'));
  const signal = await waitForStopSignal();
  console.log(`Received ${signal}, closing servers.`);
}

/** Starts the API against both issuers, then checks the example requests or serves until stopped. */
async function runApi(options: RunOptions, oidc: RunningOidcServer, partner: PartnerIssuer): Promise<void> {
  configureAuth(oidc, partner);
  const api = options.framework === 'express' ? await createExpressApp() : await createKoaApp();

  try {
    const baseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const tokens = await issueExampleTokens(oidc, partner);

    if (options.check) {
      process.exitCode = (await checkExampleRequests(baseUrl, tokens)) ? 0 : 1;
    } else {
      await serveUntilStopped([...describeServers(oidc, partner, baseUrl, options.framework), '', ...formatCurlCommands(baseUrl, tokens)]);
    }
  } finally {
    await closeServer(api);
  }
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const oidc = await startOidc();
  let partner: PartnerIssuer | undefined;

  try {
    partner = await startPartnerIssuer();
    await runApi(options, oidc, partner);
  } finally {
    await partner?.close();
    await oidc.close();
  }
}

main().catch((error: unknown) => {
  console.error('Example failed:', error);
  process.exitCode = 1;
});
