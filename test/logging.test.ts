import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';

import { expect } from 'chai';
import { pino } from 'pino';
import { Container } from 'typedi';
import winston from 'winston';

import { configureOidcAuth, OIDC_LOGGER, type LoggerProtocol } from '../src/index.js';
import { CountingLogger } from './support/counting-logger.js';
import { get } from './support/http.js';
import { startKoaApp, type RunningApp } from './support/test-apps.js';
import { makeKey, TestIssuer } from './support/test-issuer.js';

const AUDIENCE = 'api://logging';
const VERIFIED = 'Token verified';
const REJECTED = 'Token rejected';
const DISCOVERY_LOADED = 'Loaded discovery document';
const PROVIDER_FAILED = 'Identity provider documents could not be loaded';
const CHILD_SCRIPT = path.join(__dirname, 'support', 'debug-log-child.js');

/** A writable stream that keeps every line written to it, as a log file would. */
class LineSink extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
    done();
  }

  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** A logger that renders each call as one line of text, nested values and error causes included. */
class TextLogger implements LoggerProtocol {
  readonly lines: string[] = [];

  debug(message: string, meta?: Record<string, unknown>): void {
    this.lines.push(`debug ${message} ${inspect(meta, { depth: null, breakLength: Infinity })}`);
  }

  warn(message: string, meta?: Record<string, unknown>): void {
    this.lines.push(`warn ${message} ${inspect(meta, { depth: null, breakLength: Infinity })}`);
  }
}

// Replaces console.debug and console.warn until `restore` is called, keeping what they were given.
function captureConsole(): { debug: string[]; warn: string[]; restore(): void } {
  const original = { debug: console.debug, warn: console.warn };
  const captured = { debug: [] as string[], warn: [] as string[] };
  console.debug = (...args: unknown[]) => captured.debug.push(format(...args));
  console.warn = (...args: unknown[]) => captured.warn.push(format(...args));
  const restore = (): void => {
    console.debug = original.debug;
    console.warn = original.warn;
  };
  return { ...captured, restore };
}

function runChild(nodeDebug: string): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CHILD_SCRIPT], {
    env: { ...process.env, NODE_DEBUG: nodeDebug },
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { stdout: result.stdout, stderr: result.stderr };
}

describe('logging', function () {
  let issuer: TestIssuer;
  let app: RunningApp;

  before(async function () {
    issuer = await TestIssuer.start();
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], logger: new TextLogger() });
    app = await startKoaApp(false);
  });

  afterEach(function () {
    issuer.behave('normal');
  });

  after(async function () {
    Container.remove(OIDC_LOGGER);
    await Promise.all([app?.close(), issuer?.close()]);
  });

  // Sends a valid and an invalid token through a fresh configuration, so the discovery document is loaded again.
  async function sendTokens(logger: LoggerProtocol): Promise<void> {
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], logger });
    const valid = await get(`${app.baseUrl}/any-token`, { token: await issuer.sign({ aud: AUDIENCE }) });
    const invalid = await get(`${app.baseUrl}/any-token`, { token: await issuer.sign({ aud: 'api://another-audience' }) });
    expect(valid.status).to.equal(200);
    expect(invalid.status).to.equal(401);
  }

  // Sends a token while the provider responds with 500, with nothing cached from before.
  async function sendDuringOutage(logger: LoggerProtocol): Promise<void> {
    issuer.behave('error500');
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], logger });
    const reply = await get(`${app.baseUrl}/any-token`, { token: await issuer.sign({ aud: AUDIENCE }) });
    expect(reply.status).to.equal(500);
  }

  describe('console', function () {
    it('logs token events at debug level', async function () {
      const captured = captureConsole();
      try {
        await sendTokens(console);
      } finally {
        captured.restore();
      }

      const output = captured.debug.join('\n');
      expect(output).to.contain(DISCOVERY_LOADED);
      expect(output).to.contain(VERIFIED);
      expect(output).to.contain(REJECTED);
      expect(output).to.contain("code: 'invalid_token'");
      expect(captured.warn).to.deep.equal([]);
    });

    it('logs an outage with console.warn', async function () {
      const captured = captureConsole();
      try {
        await sendDuringOutage(console);
      } finally {
        captured.restore();
      }

      expect(captured.warn.join('\n')).to.contain(PROVIDER_FAILED);
      expect(captured.debug.join('\n')).not.to.contain(PROVIDER_FAILED);
    });
  });

  describe('pino', function () {
    it('logs token events at debug level', async function () {
      const sink = new LineSink();
      await sendTokens(pino({ level: 'debug' }, sink));

      const entries = sink.entries();
      for (const message of [DISCOVERY_LOADED, VERIFIED, REJECTED]) {
        const entry = entries.find((candidate) => candidate.msg === message);
        expect(entry, message).to.not.equal(undefined);
        expect(entry?.level, message).to.equal(pino.levels.values.debug);
      }
      // pino reads details from an object before the message, and the library passes them there.
      expect(entries.find((candidate) => candidate.msg === REJECTED)).to.have.property('code');
    });

    it('logs an outage at warn level', async function () {
      const sink = new LineSink();
      await sendDuringOutage(pino({ level: 'debug' }, sink));

      const entry = sink.entries().find((candidate) => candidate.msg === PROVIDER_FAILED);
      expect(entry).to.not.equal(undefined);
      expect(entry?.level).to.equal(pino.levels.values.warn);
    });
  });

  describe('winston', function () {
    function winstonLogger(sink: LineSink): winston.Logger {
      return winston.createLogger({
        level: 'debug',
        format: winston.format.json(),
        transports: [new winston.transports.Stream({ stream: sink })],
      });
    }

    it('logs token events at debug level', async function () {
      const sink = new LineSink();
      await sendTokens(winstonLogger(sink));

      const entries = sink.entries();
      for (const message of [DISCOVERY_LOADED, VERIFIED, REJECTED]) {
        const entry = entries.find((candidate) => candidate.message === message);
        expect(entry, message).to.not.equal(undefined);
        expect(entry?.level, message).to.equal('debug');
      }
      expect(entries.find((candidate) => candidate.message === REJECTED)?.code).to.equal('invalid_token');
      expect(entries.find((candidate) => candidate.message === VERIFIED)?.iss).to.equal(issuer.issuer);
    });

    it('logs an outage at warn level', async function () {
      const sink = new LineSink();
      await sendDuringOutage(winstonLogger(sink));

      const entry = sink.entries().find((candidate) => candidate.message === PROVIDER_FAILED);
      expect(entry).to.not.equal(undefined);
      expect(entry?.level).to.equal('warn');
    });
  });

  describe('log content', function () {
    const claims = {
      sub: 'leak-check-subject',
      email: 'leak-check-email@example.test',
      name: 'Leak Check Display Name',
      department: 'leak-check-custom-claim',
      roles: ['leak-check-role-one', 'leak-check-role-two'],
    };

    // Every claim value a token carries, except sub and iss, which the log may contain.
    function privateValues(token: string): string[] {
      const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      return Object.entries(payload)
        .filter(([name]) => name !== 'sub' && name !== 'iss')
        .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
        .map(String);
    }

    async function signedTokens(): Promise<Record<string, string>> {
      const now = Math.floor(Date.now() / 1000);
      const impostor = await makeKey('test-key-1', 'RS256');
      const stranger = await makeKey('leak-check-unknown-kid', 'RS256');
      const valid = await issuer.sign({ ...claims, aud: AUDIENCE });
      const [header, , signature] = valid.split('.');
      const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, aud: AUDIENCE, iss: issuer.issuer, roles: ['leak-check-forged-role'] })).toString('base64url');
      return {
        valid,
        wrongAudience: await issuer.sign({ ...claims, aud: 'api://leak-check-other-audience' }),
        expired: await issuer.sign({ ...claims, aud: AUDIENCE, iat: now - 7200, exp: now - 3600 }),
        forgedWithKnownKid: await issuer.sign({ ...claims, aud: AUDIENCE }, { key: impostor }),
        forgedWithUnknownKid: await issuer.sign({ ...claims, aud: AUDIENCE }, { key: stranger }),
        tampered: `${header}.${tamperedPayload}.${signature}`,
      };
    }

    async function sendEverywhere(tokens: Record<string, string>): Promise<void> {
      for (const token of Object.values(tokens)) {
        for (const route of ['/any-token', '/admin', '/me']) {
          await get(`${app.baseUrl}${route}`, { token });
        }
      }
    }

    it('contains no token or private claim', async function () {
      const logger = new TextLogger();
      const tokens = await signedTokens();
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], logger, keyRefetchCooldown: 0 });
      await sendEverywhere(tokens);
      await sendEverywhere(tokens);
      issuer.behave('error500');
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], logger, tokenTtl: 0 });
      await sendEverywhere(tokens);

      expect(logger.lines.filter((line) => line.includes(REJECTED))).to.have.length.above(10);
      expect(logger.lines.some((line) => line.includes(claims.sub))).to.equal(true);
      expect(logger.lines.some((line) => line.startsWith(`warn ${PROVIDER_FAILED}`))).to.equal(true);
      for (const [kind, token] of Object.entries(tokens)) {
        const forbidden = [token, ...token.split('.'), ...privateValues(token)];
        for (const line of logger.lines) {
          for (const value of forbidden) {
            expect(line.includes(value), `${kind} token: ${value} in: ${line}`).to.equal(false);
          }
        }
      }
    });
  });

  describe('refusal reasons', function () {
    // Each case: a token, the route it is sent to, and the details its log line must carry.
    async function loggedFor(token: string, route = '/any-token'): Promise<Record<string, unknown> | undefined> {
      const logger = new CountingLogger();
      configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: [AUDIENCE], logger, tokenTtl: 0 });
      await get(`${app.baseUrl}${route}`, { token });
      return logger.lines.find((line) => line.message === REJECTED || line.message === 'Roles missing')?.meta;
    }

    it('names the claim jose refused', async function () {
      const meta = await loggedFor(await issuer.sign({ aud: 'api://another-audience' }));

      expect(meta).to.include({ code: 'invalid_token', reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    });

    it('says that no provider may issue the iss', async function () {
      const meta = await loggedFor(await issuer.sign({ aud: AUDIENCE, iss: 'https://unconfigured.example.com' }));

      expect(meta).to.include({ code: 'invalid_token', reason: 'no configured provider may issue this iss' });
    });

    it('says that a token has no kid', async function () {
      const meta = await loggedFor(await issuer.sign({ aud: AUDIENCE }, { header: { kid: undefined } }));

      expect(meta).to.include({ reason: 'the header has no kid' });
    });

    it('names the roles a route requires and the claim it read', async function () {
      const meta = await loggedFor(await issuer.sign({ aud: AUDIENCE, sub: 'user-1', roles: ['viewer'] }), '/admin');

      expect(meta).to.deep.include({ required: ['admin'], rolesKey: 'roles', sub: 'user-1' });
    });
  });

  describe('default logger', function () {
    it('writes to stderr with NODE_DEBUG', function () {
      const { stdout, stderr } = runChild('routing-controllers-oidc');

      expect(JSON.parse(stdout)).to.deep.equal({ valid: 200, invalid: 401 });
      for (const message of ['Configured', DISCOVERY_LOADED, 'Loaded JWKS', VERIFIED, REJECTED]) {
        expect(stderr, message).to.match(new RegExp(`ROUTING-CONTROLLERS-OIDC \\d+: ${message}`));
      }
      expect(stderr).to.contain('"code":"invalid_token"');
    });

    it('writes nothing without NODE_DEBUG', function () {
      const { stdout, stderr } = runChild('');

      expect(JSON.parse(stdout)).to.deep.equal({ valid: 200, invalid: 401 });
      expect(stderr).not.to.contain('ROUTING-CONTROLLERS-OIDC');
      expect(stderr).not.to.contain(VERIFIED);
    });
  });
});
