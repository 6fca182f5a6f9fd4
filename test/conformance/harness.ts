import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import { Container } from 'typedi';

import { configureOidcAuth, OIDC_LOGGER, OIDC_TOKEN_CACHE, type OidcAuthOptions } from '../../src/index.js';
import { CountingLogger } from '../support/counting-logger.js';
import type { Reply } from '../support/http.js';
import { startExpressApp, startKoaApp, type AppFactory, type RunningApp } from '../support/test-apps.js';
import { TestIssuer } from '../support/test-issuer.js';

export const AUDIENCE_A = 'api://provider-a';
export const AUDIENCE_B = 'api://provider-b';

/** A loopback server that no request should ever reach; tokens name it in `jku`, `x5u` and the like. */
export class TrapServer {
  readonly requests: string[] = [];
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** What every conformance case gets: two providers, a trap, and apps with and without `AuthMiddleware`. */
export interface ConformanceContext {
  adapter: string;
  /** Provider A, audience {@link AUDIENCE_A}. */
  issuerA: TestIssuer;
  /** Provider B, audience {@link AUDIENCE_B}. */
  issuerB: TestIssuer;
  trap: TrapServer;
  logger: CountingLogger;
  /** An app whose routes are guarded by `AuthMiddleware` and the checkers. */
  guarded: RunningApp;
  /** An app with the checkers only (`@Authorized` and `@CurrentUser`). */
  unguarded: RunningApp;
  /** Configures both providers, with `overrides` on top; the next test starts from the defaults again. */
  configure(overrides?: Partial<OidcAuthOptions>): void;
  /** Signs a token of provider A that is valid unless `claims` override a claim. */
  tokenA(claims?: Record<string, unknown>): Promise<string>;
}

/** Returns the options every conformance case starts from. */
export function baseOptions(context: Pick<ConformanceContext, 'issuerA' | 'issuerB'>): OidcAuthOptions {
  return {
    providers: [
      { oidcUrls: [context.issuerA.discoveryUrl], audiences: [AUDIENCE_A] },
      { oidcUrls: [context.issuerB.discoveryUrl], audiences: [AUDIENCE_B] },
    ],
    excludedPaths: ['/public/*', '/health'],
    keyRefetchCooldown: 0,
    // Each case must judge its token afresh, not from an earlier case's cache entry.
    tokenTtl: 0,
  };
}

const ADAPTERS: Array<[string, AppFactory]> = [
  ['Koa', startKoaApp],
  ['Express', startExpressApp],
];

/** Declares `body` once per adapter, each with its own servers. */
export function describeConformance(title: string, body: (context: ConformanceContext) => void): void {
  for (const [adapter, startApp] of ADAPTERS) {
    describe(`${title} (${adapter})`, function () {
      const context = { adapter } as ConformanceContext;

      before(async function () {
        context.issuerA = await TestIssuer.start();
        context.issuerB = await TestIssuer.start();
        context.trap = new TrapServer();
        await context.trap.start();
        context.logger = new CountingLogger();
        Container.set(OIDC_LOGGER, context.logger);
        context.configure = (overrides = {}) => configureOidcAuth({ ...baseOptions(context), ...overrides });
        context.tokenA = (claims = {}) => context.issuerA.sign({ aud: AUDIENCE_A, sub: 'user-a', ...claims });
        context.configure();
        context.guarded = await startApp(true);
        context.unguarded = await startApp(false);
      });

      beforeEach(function () {
        context.configure();
      });

      after(async function () {
        expect(context.trap.requests, 'requests that reached the trap server').to.deep.equal([]);
        await Promise.all([context.guarded?.close(), context.unguarded?.close(), context.issuerA?.close(), context.issuerB?.close(), context.trap?.close()]);
        Container.remove(OIDC_LOGGER);
        Container.remove(OIDC_TOKEN_CACHE);
      });

      body(context);
    });
  }
}

/** Asserts a rejection: 400 or 401 with one of `codes` (default `invalid_token`), never a 5xx. */
export function expectRefused(reply: Reply, codes: string[] = ['invalid_token']): void {
  expect(reply.status, reply.text).to.be.oneOf([400, 401]);
  expect(reply.body.code, reply.text).to.be.oneOf(codes);
}

/** Asserts that nothing of `secrets` (claim values, key ids, URLs, tokens) appears in the reply's body or headers. */
export function expectNothingLeaked(reply: Reply, secrets: string[]): void {
  const visible = `${reply.text}\n${reply.wwwAuthenticate ?? ''}`;
  for (const secret of secrets) {
    expect(visible, `reply shows ${secret}`).to.not.include(secret);
  }
  expect(visible).to.not.match(/\n\s+at |stack|AuthError|TokenVerifier|DocumentLoadError|jose/i);
}

/** Encodes a JSON value (or raw text) as one base64url JWS segment. */
export function segment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}
