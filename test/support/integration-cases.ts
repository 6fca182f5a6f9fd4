
import { expect } from 'chai';
import { exportJWK, exportSPKI, SignJWT } from 'jose';
import { Container } from 'typedi';

import { startOidcServer, type RunningOidcServer } from '../../example/oidc-server.js';
import { configureOidcAuth, OIDC_LOGGER } from '../../src/index.js';
import { CountingLogger } from './counting-logger.js';
import { describeOutages } from './outage-cases.js';
import { closedLoopbackPort } from './ports.js';
import { get, type Reply } from './http.js';
import type { AppFactory, RunningApp } from './test-apps.js';
import { makeKey, TestIssuer } from './test-issuer.js';

const API_AUDIENCE = 'api://example';
const LOCAL_AUDIENCE = 'api://local';
const CLIENTS = [
  { clientId: 'example-admin', clientSecret: 'admin-secret', roles: ['admin'], scopes: ['reports.read'] },
  { clientId: 'example-viewer', clientSecret: 'viewer-secret', roles: ['viewer'], scopes: [] },
];

/** Everything the shared cases need: the issuers, the apps and the tokens. */
interface Fixture {
  oidc: RunningOidcServer;
  issuer: TestIssuer;
  logger: CountingLogger;
  guarded: RunningApp;
  unguarded: RunningApp;
  adminToken: string;
  viewerToken: string;
}

function configureBoth(fixture: Pick<Fixture, 'oidc' | 'issuer'>): void {
  configureOidcAuth({
    providers: [
      { oidcUrls: [fixture.oidc.discoveryUrl], audiences: [API_AUDIENCE] },
      { oidcUrls: [fixture.issuer.discoveryUrl], audiences: [LOCAL_AUDIENCE], rolesKey: 'groups' },
    ],
    excludedPaths: ['/public/*'],
    keyRefetchCooldown: 0,
  });
}

function expectRejected(reply: Reply, status: number, code: string, message: string): void {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.body).to.deep.equal({ name: status === 403 ? 'ForbiddenError' : 'UnauthorizedError', message, code });
}

function expectInvalidToken(reply: Reply, message = 'Token is invalid.'): void {
  expectRejected(reply, 401, message === 'Token is invalid.' ? 'invalid_token' : reply.body.code as string, message);
  expect(reply.wwwAuthenticate).to.equal(`Bearer realm="api", error="invalid_token", error_description="${message}"`);
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Runs the integration cases every adapter must pass, against apps built by `startApp`. */
export function describeIntegration(adapter: string, startApp: AppFactory): void {
  describe(`${adapter} integration`, function () {
    const fixture = {} as Fixture;

    before(async function () {
      fixture.oidc = await startOidcServer({ audience: API_AUDIENCE, clients: CLIENTS });
      fixture.issuer = await TestIssuer.start();
      fixture.logger = new CountingLogger();
      Container.set(OIDC_LOGGER, fixture.logger);
      configureBoth(fixture);
      fixture.guarded = await startApp(true);
      fixture.unguarded = await startApp(false);
      fixture.adminToken = await fixture.oidc.issueAccessToken('example-admin');
      fixture.viewerToken = await fixture.oidc.issueAccessToken('example-viewer');
    });

    after(async function () {
      await Promise.all([fixture.guarded?.close(), fixture.unguarded?.close(), fixture.oidc?.close(), fixture.issuer?.close()]);
      Container.remove(OIDC_LOGGER);
    });

    describeRealTokens(fixture);
    describeForgedTokens(fixture);
    describeMiddleware(fixture);
    describeConfigurations(fixture, startApp);
    describeOutages(startApp);
  });
}

function describeRealTokens(fixture: Fixture): void {
  describe('tokens from the OIDC server', function () {
    it('opens a route any valid token opens', async function () {
      const reply = await get(`${fixture.unguarded.baseUrl}/any-token`, { token: fixture.viewerToken });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.sub).to.equal('example-viewer');
    });

    it('opens the admin route for the admin', async function () {
      const reply = await get(`${fixture.unguarded.baseUrl}/admin`, { token: fixture.adminToken });
      expect(reply.status, reply.text).to.equal(200);
    });

    it('refuses the admin route to the viewer with 403', async function () {
      const reply = await get(`${fixture.unguarded.baseUrl}/admin`, { token: fixture.viewerToken });
      expectRejected(reply, 403, 'insufficient_role', 'You do not have the required role(s) to access this resource.');
      expect(reply.wwwAuthenticate).to.equal(
        'Bearer realm="api", error="insufficient_scope", error_description="You do not have the required role(s) to access this resource.", scope="admin"',
      );
    });

    it('refuses the admin route without a token with 401', async function () {
      const reply = await get(`${fixture.unguarded.baseUrl}/admin`);
      expectRejected(reply, 401, 'missing_token', 'No token provided.');
      expect(reply.wwwAuthenticate).to.equal('Bearer realm="api"');
    });

    it('reads a space-delimited scp with the delimiter option', async function () {
      expect((await get(`${fixture.unguarded.baseUrl}/reports`, { token: fixture.adminToken })).status).to.equal(200);
      expect((await get(`${fixture.unguarded.baseUrl}/reports`, { token: fixture.viewerToken })).status).to.equal(403);
    });

    it('accepts any listed role on plain @Authorized', async function () {
      expect((await get(`${fixture.unguarded.baseUrl}/editorial`, { token: fixture.adminToken })).status).to.equal(200);
      expect((await get(`${fixture.unguarded.baseUrl}/editorial`, { token: fixture.viewerToken })).status).to.equal(403);
    });

    it('hands the claims to @CurrentUser', async function () {
      const reply = await get(`${fixture.guarded.baseUrl}/me`, { token: fixture.adminToken });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body).to.deep.equal({ sub: 'example-admin', roles: ['admin'] });
    });

    it('hands out frozen claims that no handler can change', async function () {
      const freshToken = await fixture.oidc.issueAccessToken('example-admin');
      for (const attempt of ['cache miss', 'first hit', 'second hit']) {
        const reply = await get(`${fixture.guarded.baseUrl}/edit-claims`, { token: freshToken });
        expect(reply.status, `${attempt}: ${reply.text}`).to.equal(200);
        expect(reply.body, attempt).to.deep.equal({ sub: 'example-admin', roles: ['admin'], rejected: 2 });
      }
    });

    it('verifies once per request', async function () {
      const freshToken = await fixture.oidc.issueAccessToken('example-admin');
      const before = fixture.logger.count('Token verified');
      const reply = await get(`${fixture.guarded.baseUrl}/any-token`, { token: freshToken });
      expect(reply.status, reply.text).to.equal(200);
      expect(fixture.logger.count('Token verified') - before).to.equal(1);
    });
  });
}

function describeForgedTokens(fixture: Fixture): void {
  describe('tokens a real server would never sign', function () {
    const url = (path: string): string => `${fixture.unguarded.baseUrl}${path}`;
    const local = (claims: Record<string, unknown> = {}) => fixture.issuer.sign({ aud: LOCAL_AUDIENCE, sub: 'local-user', ...claims });

    it('accepts a valid token from the second provider', async function () {
      const reply = await get(url('/any-token'), { token: await local() });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.sub).to.equal('local-user');
    });

    it('reads roles from the provider rolesKey', async function () {
      expect((await get(url('/admin'), { token: await local({ groups: ['admin'] }) })).status).to.equal(200);
      expect((await get(url('/admin'), { token: await local({ roles: ['admin'] }) })).status).to.equal(403);
    });

    it('reads roles from the rolesKey option of Authorized', async function () {
      expect((await get(url('/permissions'), { token: await local({ permissions: ['superadmin'] }) })).status).to.equal(200);
      expect((await get(url('/permissions'), { token: await local({ permissions: ['superadmin2'] }) })).status).to.equal(403);
    });

    it('rejects a bad signature', async function () {
      const impostor = await makeKey(fixture.issuer.keys[0].kid, 'RS256');
      expectInvalidToken(await get(url('/any-token'), { token: await fixture.issuer.sign({ aud: LOCAL_AUDIENCE }, { key: impostor }) }));
    });

    it('rejects a token with another provider audience', async function () {
      expectInvalidToken(await get(url('/any-token'), { token: await local({ aud: API_AUDIENCE }) }));
    });

    it('rejects an expired token', async function () {
      const now = Math.floor(Date.now() / 1000);
      const reply = await get(url('/any-token'), { token: await local({ iat: now - 600, exp: now - 60 }) });
      expectRejected(reply, 401, 'token_expired', 'Token has expired.');
      expect(reply.wwwAuthenticate).to.equal('Bearer realm="api", error="invalid_token", error_description="Token has expired."');
    });

    it('rejects an unknown key id after one JWKS refetch', async function () {
      await get(url('/any-token'), { token: await local() });
      const fetchesBefore = fixture.issuer.count('/jwks');
      const stranger = await makeKey('not-in-jwks', 'RS256');
      const reply = await get(url('/any-token'), { token: await fixture.issuer.sign({ aud: LOCAL_AUDIENCE }, { key: stranger }) });
      expectRejected(reply, 401, 'key_not_found', 'Invalid token: Key not found.');
      expect(fixture.issuer.count('/jwks') - fetchesBefore).to.equal(1);
    });

    it('accepts a rotated key after one JWKS refetch', async function () {
      await get(url('/any-token'), { token: await local() });
      const rotated = await fixture.issuer.addKey(`rotated-${Date.now()}`);
      const reply = await get(url('/any-token'), { token: await fixture.issuer.sign({ aud: LOCAL_AUDIENCE }, { key: rotated }) });
      expect(reply.status, reply.text).to.equal(200);
    });

    it('rejects a token without kid', async function () {
      expectInvalidToken(await get(url('/any-token'), { token: await fixture.issuer.sign({ aud: LOCAL_AUDIENCE }, { header: { kid: undefined } }) }));
    });

    it('rejects alg none', async function () {
      const payload = { iss: fixture.issuer.issuer, aud: LOCAL_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 };
      for (const signature of ['', 'c2lnbmF0dXJl']) {
        const token = `${encodeSegment({ alg: 'none', kid: fixture.issuer.keys[0].kid })}.${encodeSegment(payload)}.${signature}`;
        expectInvalidToken(await get(url('/any-token'), { token }));
      }
    });

    it('rejects HS256 signed with the public key', async function () {
      const key = fixture.issuer.keys[0];
      const pem = await exportSPKI((await import('node:crypto')).createPublicKey({ key: key.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' }));
      const secrets = [pem, JSON.stringify(await exportJWK((await import('node:crypto')).createPublicKey({ key: key.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' })))];
      for (const secret of secrets) {
        const token = await new SignJWT({ iss: fixture.issuer.issuer, aud: LOCAL_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })
          .setProtectedHeader({ alg: 'HS256', kid: key.kid })
          .sign(new TextEncoder().encode(secret));
        expectInvalidToken(await get(url('/any-token'), { token }));
      }
    });

    it('rejects an unknown issuer without fetching anything', async function () {
      const requestsBefore = fixture.issuer.requests.length;
      const token = await fixture.issuer.sign({ aud: LOCAL_AUDIENCE, iss: 'http://127.0.0.1:9/unknown' });
      expectInvalidToken(await get(url('/any-token'), { token }));
      expect(fixture.issuer.requests.length).to.equal(requestsBefore);
    });

    it('rejects garbage in place of a token', async function () {
      for (const token of ['abc', 'a.b', 'a.b.c.d', '%%%.@@@.###']) {
        const reply = await get(url('/any-token'), { authorization: `Bearer ${token}` });
        expect(reply.status, token).to.equal(401);
      }
    });
  });
}

function describeMiddleware(fixture: Fixture): void {
  describe('AuthMiddleware', function () {
    it('lets excluded paths through without a token', async function () {
      const reply = await get(`${fixture.guarded.baseUrl}/public`);
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body).to.deep.equal({ public: true });
    });

    it('does not exclude a path that only shares a prefix', async function () {
      const reply = await get(`${fixture.guarded.baseUrl}/publicity`);
      expectRejected(reply, 401, 'missing_token', 'No token provided.');
    });

    it('answers 401 on a route without @Authorized', async function () {
      const reply = await get(`${fixture.guarded.baseUrl}/me`);
      expectRejected(reply, 401, 'missing_token', 'No token provided.');
      expect(reply.wwwAuthenticate).to.equal('Bearer realm="api"');
    });

    it('answers 401 for an invalid token', async function () {
      expectInvalidToken(await get(`${fixture.guarded.baseUrl}/me`, { token: `${fixture.adminToken.slice(0, -4)}AAAA` }));
    });

    it('puts the claims on the request', async function () {
      const statePath = fixture.guarded.baseUrl.length > 0 ? ['/koa-state', '/express-state'] : [];
      const replies = await Promise.all(statePath.map((path) => get(`${fixture.guarded.baseUrl}${path}`, { token: fixture.adminToken })));
      const served = replies.filter((reply) => reply.status === 200);
      expect(served).to.have.length(1);
      expect(served[0].body).to.deep.equal({ sub: 'example-admin' });
    });

    it('gives @CurrentUser nothing on a public path without a token', async function () {
      const reply = await get(`${fixture.guarded.baseUrl}/public/whoami`);
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body).to.deep.equal({ user: null });
    });

    it('answers 401 for required @CurrentUser without a token', async function () {
      const reply = await get(`${fixture.guarded.baseUrl}/public/required-user`);
      expect(reply.status, reply.text).to.equal(401);
      expect(reply.text).to.not.match(/stack|at .*\.js/);
    });
  });
}

function describeConfigurations(fixture: Fixture, startApp: AppFactory): void {
  describe('configurations', function () {
    after(function () {
      configureBoth(fixture);
    });

    it('works with a single provider', async function () {
      configureOidcAuth({ oidcUrls: [fixture.oidc.discoveryUrl], audiences: [API_AUDIENCE] });
      const app = await startApp(false);
      try {
        expect((await get(`${app.baseUrl}/admin`, { token: fixture.adminToken })).status).to.equal(200);
        const local = await fixture.issuer.sign({ aud: LOCAL_AUDIENCE });
        expectInvalidToken(await get(`${app.baseUrl}/any-token`, { token: local }));
      } finally {
        await app.close();
      }
    });

    it('starts with an unreachable provider and answers 500', async function () {
      const closedPort = await closedLoopbackPort();
      const unreachable = `http://127.0.0.1:${closedPort}`;
      configureOidcAuth({ oidcUrls: [`${unreachable}/.well-known/openid-configuration`], audiences: [LOCAL_AUDIENCE], fetchTimeout: 2 });
      const app = await startApp(true);
      try {
        const token = await fixture.issuer.sign({ aud: LOCAL_AUDIENCE, iss: unreachable });
        const reply = await get(`${app.baseUrl}/me`, { token });
        expect(reply.status, reply.text).to.equal(500);
        expect(reply.body).to.deep.equal({ name: 'InternalServerError', message: 'Authentication is temporarily unavailable.', code: 'provider_unavailable' });
        expect(reply.text).to.not.include(String(closedPort));
        expect(reply.wwwAuthenticate).to.equal(null);
      } finally {
        await app.close();
      }
    });
  });
}

