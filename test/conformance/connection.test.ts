import { Agent, request as httpRequest } from 'node:http';

import { expect } from 'chai';
import Keyv from 'keyv';
import { Container } from 'typedi';

import { OIDC_CLOCK, OIDC_TOKEN_CACHE, revokeToken, TokenCache } from '../../src/index.js';
import type { RunningApp } from '../support/test-apps.js';
import { ManualClock } from '../support/unit/manual-clock.js';
import { describeConformance, type ConformanceContext } from './harness.js';

/** The status, body and connection reuse of one request sent through a keep-alive agent. */
interface AgentReply {
  status?: number;
  body: Record<string, unknown>;
  reusedSocket: boolean;
}

/**
 * Sends a GET through `agent`. An array of `authorization` values is sent as that many header
 * lines. It waits a moment after the response so that a closing server is noticed.
 */
function getWithAgent(agent: Agent, url: string, authorization: string | string[]): Promise<AgentReply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        setTimeout(() => resolve({ status: response.statusCode, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), reusedSocket: request.reusedSocket }), 20);
      });
    });
    request.setHeader('authorization', authorization);
    request.on('error', reject);
    request.end();
  });
}

/** One kept-alive connection to an app, and a check that every request after the first reuses it. */
class Connection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private sent = 0;

  constructor(private readonly app: RunningApp) {}

  async get(path: string, authorization: string | string[]): Promise<AgentReply> {
    const reply = await getWithAgent(this.agent, `${this.app.baseUrl}${path}`, authorization);
    this.sent += 1;
    expect(reply.reusedSocket, `request ${this.sent} reused the connection`).to.equal(this.sent > 1);
    return reply;
  }

  close(): void {
    this.agent.destroy();
  }
}

// Runs `body` once per app, each on a new kept-alive connection.
async function onEachConnection(context: ConformanceContext, body: (connection: Connection, app: string) => Promise<void>): Promise<void> {
  for (const [name, app] of [['guarded', context.guarded], ['unguarded', context.unguarded]] as const) {
    const connection = new Connection(app);
    try {
      await body(connection, name);
    } finally {
      connection.close();
    }
  }
}

// The first request puts the token in the cache, and the second finds it there. From then on the
// connection repeats a header that the cache has.
async function sendKnownToken(connection: Connection, token: string): Promise<void> {
  for (const attempt of ['first', 'second']) {
    const reply = await connection.get('/any-token', `Bearer ${token}`);
    expect(reply.status, `${attempt} request`).to.equal(200);
  }
}

describeConformance('Known tokens on kept-alive connections', (context) => {
  beforeEach(function () {
    Container.set(OIDC_TOKEN_CACHE, new TokenCache());
    context.configure({ tokenTtl: 300 });
  });

  afterEach(function () {
    Container.remove(OIDC_CLOCK);
  });

  it('kept-alive connection survives rejection', async function () {
    const token = await context.tokenA();
    await onEachConnection(context, async (connection) => {
      expect((await connection.get('/any-token', 'Bearer not-a-token')).status, 'rejected request').to.equal(401);
      expect((await connection.get('/any-token', `Bearer ${token}`)).status, 'next request on the same connection').to.equal(200);
    });
  });

  it('each token gets own claims', async function () {
    const first = await context.tokenA({ sub: 'first-user' });
    const second = await context.tokenA({ sub: 'second-user' });
    await onEachConnection(context, async (connection, app) => {
      for (const [token, sub] of [[first, 'first-user'], [second, 'second-user'], [first, 'first-user'], [second, 'second-user'], [first, 'first-user']]) {
        const reply = await connection.get('/any-token', `Bearer ${token}`);
        expect(reply.status, `${app} ${sub}`).to.equal(200);
        expect(reply.body.sub, app).to.equal(sub);
      }
    });
  });

  it('given Keyv store judges each token', async function () {
    Container.set(OIDC_TOKEN_CACHE, new TokenCache(new Keyv()));
    context.configure({ tokenTtl: 300 });
    await onEachConnection(context, async (connection, app) => {
      const first = await context.tokenA({ sub: 'first-user' });
      const second = await context.tokenA({ sub: 'second-user' });
      for (const [token, sub] of [[first, 'first-user'], [first, 'first-user'], [second, 'second-user'], [first, 'first-user']]) {
        const reply = await connection.get('/any-token', `Bearer ${token}`);
        expect(reply.status, `${app} ${sub}`).to.equal(200);
        expect(reply.body.sub, app).to.equal(sub);
      }

      await revokeToken(first);

      expect((await connection.get('/any-token', `Bearer ${first}`)).status, `${app} after revocation`).to.equal(401);
    });
  });

  it('revoked token rejected', async function () {
    await onEachConnection(context, async (connection) => {
      const token = await context.tokenA();
      await sendKnownToken(connection, token);

      await revokeToken(token);

      const reply = await connection.get('/any-token', `Bearer ${token}`);
      expect(reply.status).to.equal(401);
      expect(reply.body.code).to.equal('invalid_token');
    });
  });

  it('token past exp rejected', async function () {
    const clock = new ManualClock(Date.now());
    Container.set(OIDC_CLOCK, clock);
    context.configure({ tokenTtl: 300 });
    await onEachConnection(context, async (connection) => {
      const token = await context.tokenA({ exp: Math.floor(clock.now() / 1000) + 60 });
      await sendKnownToken(connection, token);

      clock.advance(3600 * 1000);

      const reply = await connection.get('/any-token', `Bearer ${token}`);
      expect(reply.status).to.equal(401);
      expect(reply.body.code).to.equal('token_expired');
    });
  });

  it('expired cache entry verified again', async function () {
    // With the clock 100 ms before exp and no tolerance, the cache entry lasts 100 ms of real time
    // while the token stays valid by the clock.
    const exp = Math.floor(Date.now() / 1000) + 600;
    Container.set(OIDC_CLOCK, new ManualClock(exp * 1000 - 100));
    context.configure({ tokenTtl: 300, clockTolerance: 0 });
    await onEachConnection(context, async (connection) => {
      const token = await context.tokenA({ exp });
      await sendKnownToken(connection, token);
      const before = context.logger.count('Token verified');

      await new Promise((resolve) => setTimeout(resolve, 150));
      const reply = await connection.get('/any-token', `Bearer ${token}`);

      expect(reply.status).to.equal(200);
      expect(context.logger.count('Token verified') - before, 'verifications').to.equal(1);
    });
  });

  it('cleared cache verified again', async function () {
    await onEachConnection(context, async (connection) => {
      const token = await context.tokenA();
      await sendKnownToken(connection, token);
      const before = context.logger.count('Token verified');

      await (Container.get(OIDC_TOKEN_CACHE) as TokenCache).clear();
      const reply = await connection.get('/any-token', `Bearer ${token}`);

      expect(reply.status).to.equal(200);
      expect(context.logger.count('Token verified') - before, 'verifications').to.equal(1);
    });
  });

  it('new configuration judges token', async function () {
    await onEachConnection(context, async (connection) => {
      context.configure({ tokenTtl: 300 });
      const token = await context.tokenA();
      await sendKnownToken(connection, token);

      context.configure({ tokenTtl: 300, providers: [{ oidcUrls: [context.issuerB.discoveryUrl], audiences: ['api://provider-b'] }] });

      expect((await connection.get('/any-token', `Bearer ${token}`)).status).to.equal(401);
    });
  });

  it('repeated Authorization header rejected', async function () {
    await onEachConnection(context, async (connection) => {
      const token = await context.tokenA();
      await sendKnownToken(connection, token);

      const reply = await connection.get('/any-token', [`Bearer ${token}`, `Bearer ${token}`]);

      expect(reply.status).to.equal(400);
      expect(reply.body.code).to.equal('invalid_request');
    });
  });

  it('header and query together rejected', async function () {
    context.configure({ tokenTtl: 300, allowQueryToken: true });
    await onEachConnection(context, async (connection) => {
      const token = await context.tokenA();
      await sendKnownToken(connection, token);

      const reply = await connection.get(`/any-token?access_token=${token}`, `Bearer ${token}`);

      expect(reply.status).to.equal(400);
      expect(reply.body.code).to.equal('invalid_request');
    });
  });
});
