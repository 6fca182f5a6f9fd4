import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import { SignJWT, type JWTPayload } from 'jose';

import type { ProviderOptions } from '../../src/index.js';
import { get, type Reply } from '../support/http.js';
import { makeKey, type IssuerKey } from '../support/test-issuer.js';
import { AUDIENCE_A, AUDIENCE_B, baseOptions, describeConformance, expectNothingLeaked, expectRefused, type ConformanceContext } from './harness.js';

const AUDIENCE_C = 'api://provider-c';
// A discovery document path without the well-known suffix, which needs an explicit `issuer`.
const METADATA_PATH = '/metadata/openid.json';

/**
 * A loopback OpenID provider whose discovery document declares whatever issuer a test sets, so that
 * a test can configure a provider whose document breaks the issuer rule. It serves the discovery
 * document at every path that ends with the well-known path and at {@link METADATA_PATH}, and its
 * JWKS at `/jwks`.
 */
class DocumentServer {
  readonly requests: string[] = [];
  origin = '';
  /** The `issuer` of the discovery document; `undefined` leaves the field out. */
  declaredIssuer: unknown = undefined;
  private key: IssuerKey | undefined;
  private server: Server | undefined;

  async start(): Promise<void> {
    this.key = await makeKey('document-server-key', 'RS256');
    this.server = createServer((request, response) => {
      const path = request.url ?? '/';
      this.requests.push(path);
      const body = this.documentFor(path);
      response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { error: 'not_found' }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get port(): string {
    return new URL(this.origin).port;
  }

  /** Returns the discovery URL under `path` (empty for the origin itself). */
  discoveryUrl(path = ''): string {
    return `${this.origin}${path}/.well-known/openid-configuration`;
  }

  /** Returns how many requests went to the JWKS. */
  jwksRequests(): number {
    return this.requests.filter((path) => path === '/jwks').length;
  }

  /** Signs `claims` with this server's key. It sets no default `iss`, so each caller names one. */
  sign(claims: JWTPayload): Promise<string> {
    const key = this.key as IssuerKey;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ aud: AUDIENCE_C, sub: 'user-c', iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private documentFor(path: string): unknown {
    if (path.endsWith('/.well-known/openid-configuration') || path === METADATA_PATH) {
      return { issuer: this.declaredIssuer, jwks_uri: `${this.origin}/jwks`, id_token_signing_alg_values_supported: ['RS256'] };
    }
    return path === '/jwks' ? { keys: [this.key?.publicJwk] } : undefined;
  }
}

/** Sends `token` to `/me` on both apps and returns the replies, guarded app first. */
async function sendToBoth(context: ConformanceContext, token: string): Promise<Array<[string, Reply]>> {
  const replies: Array<[string, Reply]> = [];
  for (const [name, app] of [
    ['guarded', context.guarded],
    ['unguarded', context.unguarded],
  ] as const) {
    replies.push([name, await get(`${app.baseUrl}/me`, { token })]);
  }
  return replies;
}

/** Returns how many requests the two harness issuers and the trap have received so far. */
function issuerRequestCount(context: ConformanceContext): number {
  return context.issuerA.requests.length + context.issuerB.requests.length + context.trap.requests.length;
}

function warningCount(context: ConformanceContext): number {
  return context.logger.lines.filter((line) => line.level === 'warn').length;
}

function expectAccepted(reply: Reply, sub: string, label: string): void {
  expect(reply.status, `${label}: ${reply.text}`).to.equal(200);
  expect(reply.body.sub, label).to.equal(sub);
}

function expectProviderUnavailable(reply: Reply, label: string): void {
  expect(reply.status, `${label}: ${reply.text}`).to.equal(500);
  expect(reply.body.code, label).to.equal('provider_unavailable');
  expect(reply.wwwAuthenticate, label).to.equal(null);
}

describeConformance('providers', (context) => {
  const signB = (claims: Record<string, unknown>): Promise<string> => context.issuerB.sign({ aud: AUDIENCE_B, sub: 'user-b', ...claims });

  describe('audiences', function () {
    const foreignAudiencesOfA: Array<[string, unknown]> = [
      ['audience of B', AUDIENCE_B],
      ['audience of B in an array', [AUDIENCE_B]],
      ['unconfigured audience', AUDIENCE_C],
      ['audience of B and another', [AUDIENCE_B, AUDIENCE_C]],
      ['upper-case audience of A', AUDIENCE_A.toUpperCase()],
      ['audience of A with a trailing slash', `${AUDIENCE_A}/`],
      ['audience of A with a trailing space', `${AUDIENCE_A} `],
      ['audience of A as a prefix', 'api://provider'],
      ['empty audience array', []],
      ['no audience', undefined],
    ];

    for (const [name, aud] of foreignAudiencesOfA) {
      it(`token of A with ${name} is refused`, async function () {
        const token = await context.tokenA({ aud });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
          expectRefused(reply);
        }
      });
    }

    const foreignAudiencesOfB: Array<[string, unknown]> = [
      ['audience of A', AUDIENCE_A],
      ['audience of A in an array', [AUDIENCE_A]],
      ['audience of A and another', [AUDIENCE_A, AUDIENCE_C]],
    ];

    for (const [name, aud] of foreignAudiencesOfB) {
      it(`token of B with ${name} is refused`, async function () {
        const token = await signB({ aud });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
          expectRefused(reply);
        }
      });
    }

    const ownAudienceArrays: Array<[string, 'A' | 'B', unknown]> = [
      ['A accepts [B-aud, A-aud]', 'A', [AUDIENCE_B, AUDIENCE_A]],
      ['A accepts [A-aud, B-aud]', 'A', [AUDIENCE_A, AUDIENCE_B]],
      ['A accepts [C-aud, A-aud]', 'A', [AUDIENCE_C, AUDIENCE_A]],
      ['B accepts [A-aud, B-aud]', 'B', [AUDIENCE_A, AUDIENCE_B]],
      ['B accepts its own audience', 'B', AUDIENCE_B],
    ];

    for (const [name, provider, aud] of ownAudienceArrays) {
      it(name, async function () {
        const token = provider === 'A' ? await context.tokenA({ aud }) : await signB({ aud });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expectAccepted(reply, provider === 'A' ? 'user-a' : 'user-b', app);
        }
      });
    }

    it('token of A signed by key of B is refused', async function () {
      // Both harness issuers name their first key `test-key-1`, so the key id alone cannot rule this token out.
      expect(context.issuerB.keys[0].kid).to.equal(context.issuerA.keys[0].kid);
      const token = await context.issuerB.sign({ iss: context.issuerA.issuer, aud: AUDIENCE_A, sub: 'user-a' });
      for (const [app, reply] of await sendToBoth(context, token)) {
        expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
        expectRefused(reply);
      }
    });
  });

  describe('unknown issuer', function () {
    const unknownIssuers: Array<[string, () => unknown]> = [
      ['closed loopback port', () => 'http://127.0.0.1:1/unknown'],
      ['trap server', () => context.trap.url],
      ['trap discovery URL', () => `${context.trap.url}/.well-known/openid-configuration`],
      ['issuer A with a path', () => `${context.issuerA.issuer}/tenant`],
      ['issuer A as localhost', () => context.issuerA.issuer.replace('127.0.0.1', 'localhost')],
      ['issuer A over https', () => context.issuerA.issuer.replace('http:', 'https:')],
      ['issuer A with a double slash', () => `${context.issuerA.issuer}//`],
      ['empty string', () => ''],
      ['number', () => 42],
      ['array of issuer A', () => [context.issuerA.issuer]],
      ['null', () => null],
      ['no iss claim', () => undefined],
    ];

    for (const [name, issuer] of unknownIssuers) {
      it(`${name} is refused without requests`, async function () {
        const before = issuerRequestCount(context);
        const warningsBefore = warningCount(context);
        const token = await context.tokenA({ iss: issuer() });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
          expectRefused(reply);
        }
        expect(issuerRequestCount(context), 'requests to issuers and trap').to.equal(before);
        // A failed fetch, such as one to the closed port 1, would log a warning.
        expect(warningCount(context), 'warnings logged').to.equal(warningsBefore);
      });
    }

    it('header key URLs are not fetched', async function () {
      const before = issuerRequestCount(context);
      const header = { jku: `${context.trap.url}/jwks`, x5u: `${context.trap.url}/cert.pem` };
      const token = await context.issuerA.sign({ iss: 'http://127.0.0.1:1/unknown', aud: AUDIENCE_A }, { header });
      for (const [app, reply] of await sendToBoth(context, token)) {
        expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
        expectRefused(reply);
      }
      expect(issuerRequestCount(context), 'requests to issuers and trap').to.equal(before);
    });

    it('issuer A with trailing slash never loads keys', async function () {
      // The issuer rule ignores one trailing slash when choosing a provider, so A's discovery document is
      // read, but the issuer it declares differs from the token's.
      const jwksBefore = context.issuerA.count('/jwks');
      const bBefore = context.issuerB.requests.length;
      const token = await context.tokenA({ iss: `${context.issuerA.issuer}/` });
      for (const [app, reply] of await sendToBoth(context, token)) {
        expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
        expectRefused(reply);
      }
      expect(context.issuerA.count('/jwks'), 'JWKS requests to A').to.equal(jwksBefore);
      expect(context.issuerB.requests.length, 'requests to B').to.equal(bBefore);
    });
  });

  describe('discovered issuer', function () {
    const server = new DocumentServer();

    before(async function () {
      await server.start();
    });

    after(async function () {
      await server.close();
    });

    beforeEach(function () {
      server.requests.length = 0;
      server.declaredIssuer = undefined;
    });

    const withServer = (provider: Partial<ProviderOptions>): void => {
      const providers = [...(baseOptions(context).providers ?? []), { oidcUrls: [server.discoveryUrl()], audiences: [AUDIENCE_C], ...provider }];
      context.configure({ providers });
    };

    // Issuers a discovery document at the server's origin must not declare without `issuer` or `sameOriginIssuer`.
    const mismatches: Array<[string, () => string]> = [
      ['another port', () => context.trap.url],
      ['a trailing path', () => `${server.origin}/tenant`],
      ['another scheme', () => `https://127.0.0.1:${server.port}`],
      ['another host name', () => `http://localhost:${server.port}`],
      ['two trailing slashes', () => `${server.origin}//`],
      ['a query', () => `${server.origin}?tenant=1`],
    ];
    const unusable: Array<[string, () => unknown]> = [
      ['no issuer', () => undefined],
      ['an empty issuer', () => ''],
      ['a number', () => 42],
    ];

    for (const [name, declared] of [...mismatches, ...unusable]) {
      it(`issuer with ${name} answers 500`, async function () {
        server.declaredIssuer = declared();
        withServer({});
        const token = await server.sign({ iss: server.origin });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expectProviderUnavailable(reply, app);
          expectNothingLeaked(reply, [server.origin, `127.0.0.1:${server.port}`, context.trap.url, 'document-server-key', 'user-c']);
        }
        expect(server.jwksRequests(), 'JWKS requests').to.equal(0);
      });
    }

    for (const [name, declared] of mismatches) {
      it(`token naming issuer with ${name} is refused`, async function () {
        server.declaredIssuer = declared();
        withServer({});
        const token = await server.sign({ iss: declared() });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
          expectRefused(reply);
        }
        expect(server.requests, 'requests to the document server').to.deep.equal([]);
      });
    }

    it('issuer with one trailing slash is accepted', async function () {
      server.declaredIssuer = `${server.origin}/`;
      withServer({});
      const token = await server.sign({ iss: `${server.origin}/` });
      for (const [app, reply] of await sendToBoth(context, token)) {
        expectAccepted(reply, 'user-c', app);
      }
    });

    it('trailing slash must match the token exactly', async function () {
      server.declaredIssuer = `${server.origin}/`;
      withServer({});
      const token = await server.sign({ iss: server.origin });
      for (const [app, reply] of await sendToBoth(context, token)) {
        expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
        expectRefused(reply);
      }
      expect(server.jwksRequests(), 'JWKS requests').to.equal(0);
    });

    it('matching issuer is accepted', async function () {
      server.declaredIssuer = server.origin;
      withServer({});
      const token = await server.sign({ iss: server.origin });
      for (const [app, reply] of await sendToBoth(context, token)) {
        expectAccepted(reply, 'user-c', app);
      }
    });

    it('matching issuer with foreign audience is refused', async function () {
      server.declaredIssuer = server.origin;
      withServer({});
      for (const aud of [AUDIENCE_A, AUDIENCE_B]) {
        const token = await server.sign({ iss: server.origin, aud });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expect(reply.status, `${app}, ${aud}: ${reply.text}`).to.equal(401);
          expectRefused(reply);
        }
      }
    });

    describe('sameOriginIssuer', function () {
      const policyPath = '/tenant.example/b2c_1_signin/v2.0';
      const tenantIssuer = (): string => `${server.origin}/tenant-id/v2.0/`;

      const configureSameOrigin = (): void => {
        const providers = [
          ...(baseOptions(context).providers ?? []),
          { oidcUrls: [server.discoveryUrl(policyPath)], audiences: [AUDIENCE_C], sameOriginIssuer: true },
        ];
        context.configure({ providers });
      };

      it('accepts issuer on same origin', async function () {
        server.declaredIssuer = tenantIssuer();
        configureSameOrigin();
        const token = await server.sign({ iss: tenantIssuer() });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expectAccepted(reply, 'user-c', app);
        }
      });

      const otherIssuers: Array<[string, () => string]> = [
        ['without trailing slash', () => tenantIssuer().slice(0, -1)],
        ['of another tenant', () => `${server.origin}/other-tenant/v2.0/`],
        ['of the policy path', () => `${server.origin}${policyPath}`],
        ['of the bare origin', () => server.origin],
        ['in upper case', () => tenantIssuer().toUpperCase()],
      ];

      for (const [name, issuer] of otherIssuers) {
        it(`refuses same-origin iss ${name}`, async function () {
          server.declaredIssuer = tenantIssuer();
          configureSameOrigin();
          const token = await server.sign({ iss: issuer() });
          for (const [app, reply] of await sendToBoth(context, token)) {
            expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
            expectRefused(reply);
          }
          expect(server.jwksRequests(), 'JWKS requests').to.equal(0);
        });
      }

      it('refuses iss on another origin without requests', async function () {
        server.declaredIssuer = tenantIssuer();
        configureSameOrigin();
        for (const issuer of [`${context.trap.url}/tenant-id/v2.0/`, `https://127.0.0.1:${server.port}/tenant-id/v2.0/`]) {
          const token = await server.sign({ iss: issuer });
          for (const [app, reply] of await sendToBoth(context, token)) {
            expect(reply.status, `${app}, ${issuer}: ${reply.text}`).to.equal(401);
            expectRefused(reply);
          }
        }
        expect(server.requests, 'requests to the document server').to.deep.equal([]);
      });

      it('document issuer on another origin answers 500', async function () {
        server.declaredIssuer = `${context.trap.url}/tenant-id/v2.0/`;
        configureSameOrigin();
        const token = await server.sign({ iss: tenantIssuer() });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expectProviderUnavailable(reply, app);
          expectNothingLeaked(reply, [server.origin, context.trap.url, 'tenant-id']);
        }
        expect(server.jwksRequests(), 'JWKS requests').to.equal(0);
      });
    });

    describe('explicit issuer', function () {
      const customIssuer = (): string => `${server.origin}/custom-issuer`;

      it('configured issuer is accepted', async function () {
        server.declaredIssuer = customIssuer();
        withServer({ issuer: customIssuer() });
        const token = await server.sign({ iss: customIssuer() });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expectAccepted(reply, 'user-c', app);
        }
      });

      it('configured issuer without well-known path is accepted', async function () {
        server.declaredIssuer = customIssuer();
        const providers = [
          ...(baseOptions(context).providers ?? []),
          { oidcUrls: [`${server.origin}${METADATA_PATH}`], audiences: [AUDIENCE_C], issuer: customIssuer() },
        ];
        context.configure({ providers });
        const token = await server.sign({ iss: customIssuer() });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expectAccepted(reply, 'user-c', app);
        }
      });

      const sameHostIssuers: Array<[string, () => string]> = [
        ['another path', () => `${server.origin}/other-issuer`],
        ['the discovery prefix', () => server.origin],
        ['a trailing slash', () => `${customIssuer()}/`],
        ['a longer path', () => `${customIssuer()}/v2`],
        ['upper case', () => customIssuer().toUpperCase()],
      ];

      for (const [name, issuer] of sameHostIssuers) {
        it(`iss with ${name} on same host is refused`, async function () {
          server.declaredIssuer = customIssuer();
          withServer({ issuer: customIssuer() });
          const token = await server.sign({ iss: issuer() });
          for (const [app, reply] of await sendToBoth(context, token)) {
            expect(reply.status, `${app}: ${reply.text}`).to.equal(401);
            expectRefused(reply);
          }
          expect(server.requests, 'requests to the document server').to.deep.equal([]);
        });
      }

      it('document declaring another issuer answers 500', async function () {
        server.declaredIssuer = server.origin;
        withServer({ issuer: customIssuer() });
        const token = await server.sign({ iss: customIssuer() });
        for (const [app, reply] of await sendToBoth(context, token)) {
          expectProviderUnavailable(reply, app);
          expectNothingLeaked(reply, [server.origin, 'custom-issuer']);
        }
        expect(server.jwksRequests(), 'JWKS requests').to.equal(0);
      });
    });
  });
});
