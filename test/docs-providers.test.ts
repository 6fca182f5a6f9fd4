import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';
import { SignJWT } from 'jose';
import { Container } from 'typedi';

import { configureOidcAuth, OIDCProvider, OIDC_LOGGER, type OidcAuthOptions } from '../src/index.js';
import { CountingLogger } from './support/counting-logger.js';
import { captureConfiguration, readSnippets, type Snippet } from './support/doc-snippets.js';
import { get } from './support/http.js';
import { LoopbackRewrite } from './support/loopback-rewrite.js';
import { startPresetApp } from './support/preset-controller.js';
import { ProviderDouble, readFixture } from './support/provider-double.js';
import type { RunningApp } from './support/test-apps.js';

const PAGES = join(__dirname, '..', '..', 'docs', 'providers');
const PRESET_CONTROLLER = join(__dirname, '..', '..', 'test', 'support', 'preset-controller.ts');
const WELL_KNOWN = '/.well-known/openid-configuration';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Returns the page file name of a provider: `AZURE_AD_B2C` is `azure-ad-b2c.md`. */
function pageOf(provider: OIDCProvider): string {
  return `${provider.toLowerCase().replaceAll('_', '-')}.md`;
}

/**
 * Returns the `@Authorized(…)` decorators in `text`, without trailing comments and with spaces
 * collapsed. The preset controller's `...SPACES` is written `delimiter: ' '` on the pages.
 */
function decoratorsIn(text: string): string[] {
  const lines = text.split('\n').filter((line) => line.trim().startsWith('@Authorized('));
  return lines.map((line) => line.replace(/\)\s+\/\/.*$/, ')').replace('...SPACES', "delimiter: ' '").replace(/\s+/g, ' ').trim());
}

/** Returns the marked blocks of a provider's page, or the error that reading them raised. */
function readPage(provider: OIDCProvider): Snippet[] | Error {
  try {
    return readSnippets(join(PAGES, pageOf(provider)));
  } catch (error) {
    return error as Error;
  }
}

// Each marked configuration block of a provider page runs here. Its options must pass
// configureOidcAuth as written. Moved onto a loopback double, they must then give the status that
// the page's snippet-test comment states for a token shaped like that provider's.
describe('provider pages', function () {
  let double: ProviderDouble;
  let app: RunningApp;
  const realFetch = globalThis.fetch;

  before(async function () {
    globalThis.fetch = loopbackOnlyFetch;
    double = await ProviderDouble.start();
    configureOidcAuth({ oidcUrls: [double.discoveryUrl('')], audiences: ['api://example'] });
    app = await startPresetApp();
  });

  after(async function () {
    globalThis.fetch = realFetch;
    await app.close();
    await double.close();
    Container.reset();
  });

  beforeEach(function () {
    double.declared.clear();
    Container.set(OIDC_LOGGER, new CountingLogger());
  });

  /** Rejects every request that would leave the machine, so a page's host name is never contacted. */
  function loopbackOnlyFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return Promise.reject(new Error(`the docs test must not fetch ${url.href}`));
    }
    return realFetch(input, init);
  }

  describe('pages and index', function () {
    it('has a page for every provider', function () {
      const pages = readdirSync(PAGES);

      for (const provider of Object.values(OIDCProvider)) {
        expect(pages, provider).to.include(pageOf(provider));
      }
    });

    it('has no page without a provider', function () {
      const expected = new Set([...Object.values(OIDCProvider).map(pageOf), 'README.md']);

      expect(readdirSync(PAGES).filter((page) => !expected.has(page))).to.deep.equal([]);
    });

    it('index links every page', function () {
      const index = readFileSync(join(PAGES, 'README.md'), 'utf8');

      for (const provider of Object.values(OIDCProvider)) {
        expect(index, provider).to.include(`](${pageOf(provider)})`);
      }
    });
  });

  for (const provider of Object.values(OIDCProvider)) {
    describe(pageOf(provider), function () {
      const read = readPage(provider);
      const snippets = read instanceof Error ? [] : read;

      it('shows only decorators the preset app tests', function () {
        const testedDecorators = new Set(decoratorsIn(readFileSync(PRESET_CONTROLLER, 'utf8')));
        const pageDecorators = decoratorsIn(readFileSync(join(PAGES, pageOf(provider)), 'utf8'));

        expect(pageDecorators.filter((decorator) => !testedDecorators.has(decorator))).to.deep.equal([]);
      });

      it('has a tested configuration block', function () {
        expect(read).to.not.be.instanceOf(Error);
        expect(snippets).to.not.be.empty;
      });

      snippets.forEach((snippet, index) => {
        it(`block ${index + 1} configures ${provider} and answers ${snippet.test.status}`, async function () {
          const options = configurationOf(snippet, provider);

          expect(() => configureOidcAuth(options), 'configureOidcAuth with the options as written').to.not.throw();
          await checkOnLoopback(snippet, options);
        });
      });
    });
  }

  /** Runs the block and returns the one configuration it makes, checking that it names the page's preset. */
  function configurationOf(snippet: Snippet, provider: OIDCProvider): OidcAuthOptions {
    const calls = captureConfiguration(snippet.code);
    expect(calls, 'configureOidcAuth calls').to.have.length(1);
    const [options] = calls;
    const presets = [options, ...(options.providers ?? [])].map((entry) => entry.preset).filter((preset) => preset !== undefined);
    expect(presets, 'preset').to.deep.equal([provider]);
    return options;
  }

  async function checkOnLoopback(snippet: Snippet, options: OidcAuthOptions): Promise<void> {
    const rewrite = new LoopbackRewrite(Number(new URL(double.origin).port));
    const moved = rewrite.options(options);
    if (snippet.test.declare !== undefined) {
      double.declared.set(issuerPath(moved), rewrite.url(snippet.test.declare));
    }
    configureOidcAuth(moved);

    const token = await signFixture(snippet, rewrite);
    for (const route of snippet.test.routes) {
      const reply = await get(`${app.baseUrl}${route}`, { token });
      expect(reply.status, `GET ${route}`).to.equal(snippet.test.status);
    }
  }

  /** Returns the path before the well-known path of the one discovery URL in `options`. */
  function issuerPath(options: OidcAuthOptions): string {
    const urls = [options, ...(options.providers ?? [])].flatMap((entry) => entry.oidcUrls ?? []);
    expect(urls, 'discovery URLs').to.have.length(1);
    const path = new URL(urls[0]).pathname;
    expect(path.endsWith(WELL_KNOWN), path).to.equal(true);
    return path.slice(0, -WELL_KNOWN.length);
  }

  /** Signs the fixture with its `iss` moved by `rewrite`, so that it names the same host as the page. */
  async function signFixture(snippet: Snippet, rewrite: LoopbackRewrite): Promise<string> {
    const { fixture, header, sign, claims } = snippet.test;
    const iss = rewrite.url(snippet.test.iss ?? String(readFixture(fixture).iss));
    if (sign === 'HS512') {
      return signWithClientSecret({ ...readFixture(fixture), iss, ...claims });
    }
    return double.sign(fixture, { iss, ...claims }, header ?? fixture);
  }
});

/** Signs `claims` with HS512 and a client secret, as Duo Universal Prompt signs its ID tokens. */
function signWithClientSecret(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const secret = new TextEncoder().encode('client-secret-0123456789abcdef0123456789');
  return new SignJWT({ ...claims, iat: now, exp: now + 300 }).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).sign(secret);
}

