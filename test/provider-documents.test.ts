import { expect } from 'chai';

import { DocumentLoadError } from '../src/discovery/fetch-json.js';
import { IssuerMismatchError, type IssuerExpectation } from '../src/discovery/issuer-rules.js';
import { ProviderDocuments, type DocumentSettings } from '../src/discovery/provider-documents.js';
import { CountingLogger } from './support/counting-logger.js';
import { TestIssuer } from './support/test-issuer.js';
import { DocumentServer } from './support/unit/document-server.js';
import { ManualClock } from './support/unit/manual-clock.js';
import { rejectionOf } from './support/unit/rejection.js';
import { TEST_DOCUMENT_SETTINGS } from './support/unit/document-settings.js';

const DISCOVERY_PATH = '/.well-known/openid-configuration';
const JWKS_PATH = '/jwks';

const SETTINGS = TEST_DOCUMENT_SETTINGS;

describe('ProviderDocuments', () => {
  let issuer: TestIssuer;
  let clock: ManualClock;
  let logger: CountingLogger;

  before(async () => {
    issuer = await TestIssuer.start();
  });

  after(async () => {
    await issuer.close();
  });

  // One issuer serves every test because generating its RSA key takes a few hundred milliseconds.
  // Each test starts with its first key only and no recorded requests.
  beforeEach(() => {
    issuer.keys.splice(1);
    issuer.jwks = { keys: [issuer.keys[0].publicJwk] };
    issuer.requests.length = 0;
    clock = new ManualClock(1_700_000_000_000);
    logger = new CountingLogger();
  });

  function documentsFor(expectation: Partial<IssuerExpectation> = {}, settings = SETTINGS): ProviderDocuments {
    return new ProviderDocuments(
      { discoveryUrl: issuer.discoveryUrl, sameOriginIssuer: false, ...expectation },
      settings,
      clock,
      logger,
    );
  }

  function kidsOf(keys: Array<{ kid: string | undefined }>): Array<string | undefined> {
    return keys.map((key) => key.kid);
  }

  describe('discovery document', () => {
    it('returns discovered issuer', async () => {
      expect(await documentsFor().issuer()).to.equal(issuer.issuer);
    });

    it('fetches nothing before first use', () => {
      documentsFor();

      expect(issuer.requests).to.deep.equal([]);
    });

    it('keeps discovery for its TTL', async () => {
      const documents = documentsFor();
      await documents.issuer();

      clock.advance(SETTINGS.oidcTtlMs - 1);
      await documents.issuer();

      expect(issuer.count(DISCOVERY_PATH)).to.equal(1);
    });

    it('refreshes discovery after its TTL', async () => {
      const documents = documentsFor();
      await documents.issuer();

      clock.advance(SETTINGS.oidcTtlMs);
      await documents.issuer();

      expect(issuer.count(DISCOVERY_PATH)).to.equal(2);
    });

    it('rejects issuer that breaks rule', async () => {
      const documents = documentsFor({ issuer: 'https://login.example.com' });

      const error = await rejectionOf(documents.issuer());

      expect(error).to.be.instanceOf(IssuerMismatchError);
    });

    it('rejects issuer with trailing slash when configured without', async () => {
      const documents = documentsFor({ issuer: `${issuer.issuer}/` });

      expect(await rejectionOf(documents.issuer())).to.be.instanceOf(IssuerMismatchError);
    });

    it('fetches no JWKS after issuer mismatch', async () => {
      const documents = documentsFor({ issuer: 'https://login.example.com' });

      await rejectionOf(documents.keysFor('test-key-1'));

      expect(issuer.count(JWKS_PATH)).to.equal(0);
    });

    it('retries failed discovery on next call', async () => {
      const documents = documentsFor({ issuer: 'https://login.example.com' });
      await rejectionOf(documents.issuer());
      await rejectionOf(documents.issuer());

      expect(issuer.count(DISCOVERY_PATH)).to.equal(2);
    });
  });

  describe('malformed discovery documents', () => {
    let server: DocumentServer;

    beforeEach(async () => {
      server = await DocumentServer.start();
    });

    afterEach(async () => {
      await server.close();
    });

    function servedDocuments(document: unknown): ProviderDocuments {
      server.serveJson(DISCOVERY_PATH, document);
      return new ProviderDocuments(
        { discoveryUrl: server.url(DISCOVERY_PATH), sameOriginIssuer: false },
        SETTINGS,
        clock,
        logger,
      );
    }

    const jwksUris: Array<[string, (origin: string) => unknown]> = [
      ['missing', () => undefined],
      ['number', () => 42],
      ['relative', () => '/jwks'],
      ['with credentials', (origin) => origin.replace('http://', 'http://user:secret@') + '/jwks'],
      ['with fragment', (origin) => `${origin}/jwks#keys`],
      ['on other scheme', (origin) => origin.replace('http://', 'ftp://') + '/jwks'],
    ];

    for (const [label, jwksUri] of jwksUris) {
      it(`rejects jwks_uri ${label}`, async () => {
        const documents = servedDocuments({ issuer: server.baseUrl, jwks_uri: jwksUri(server.baseUrl) });

        const error = await rejectionOf(documents.issuer());

        expect(error).to.be.instanceOf(DocumentLoadError);
        expect((error as Error).message).to.match(/no usable jwks_uri/);
      });
    }

    it('fetches nothing for unusable jwks_uri', async () => {
      const documents = servedDocuments({ issuer: server.baseUrl, jwks_uri: `${server.baseUrl}/jwks#keys` });

      await rejectionOf(documents.keysFor('test-key-1'));

      expect(server.count('/jwks')).to.equal(0);
    });

    for (const [label, document] of [
      ['array', [{ issuer: 'x' }]],
      ['string', 'configuration'],
      ['null', null],
    ] as Array<[string, unknown]>) {
      it(`rejects discovery document that is ${label}`, async () => {
        const error = await rejectionOf(servedDocuments(document).issuer());

        expect(error).to.be.instanceOf(DocumentLoadError);
        expect((error as Error).message).to.match(/not a JSON object/);
      });
    }

    it('rejects discovery document without issuer', async () => {
      const documents = servedDocuments({ jwks_uri: `${server.baseUrl}/jwks` });

      expect(await rejectionOf(documents.issuer())).to.be.instanceOf(IssuerMismatchError);
    });

    it('rejects JWKS without keys array', async () => {
      const documents = servedDocuments({ issuer: server.baseUrl, jwks_uri: `${server.baseUrl}/jwks` });
      server.serveJson('/jwks', { key: [] });

      const error = await rejectionOf(documents.keysFor('test-key-1'));

      expect(error).to.be.instanceOf(DocumentLoadError);
      expect((error as Error).message).to.match(/no keys array/);
    });

    it('rejects JWKS that cannot be fetched', async () => {
      const documents = servedDocuments({ issuer: server.baseUrl, jwks_uri: `${server.baseUrl}/missing` });

      expect(await rejectionOf(documents.keysFor('test-key-1'))).to.be.instanceOf(DocumentLoadError);
    });
  });

  describe('JWKS', () => {
    it('returns usable keys', async () => {
      expect(kidsOf(await documentsFor().keysFor('test-key-1'))).to.deep.equal(['test-key-1']);
    });

    it('loads discovery before JWKS', async () => {
      await documentsFor().keysFor('test-key-1');

      expect(issuer.requests).to.deep.equal([DISCOVERY_PATH, JWKS_PATH]);
    });

    it('keeps JWKS for its TTL', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');

      clock.advance(SETTINGS.jwksTtlMs - 1);
      await documents.keysFor('test-key-1');

      expect(issuer.count(JWKS_PATH)).to.equal(1);
    });

    it('refreshes JWKS after its TTL', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');
      await issuer.addKey('test-key-2');

      clock.advance(SETTINGS.jwksTtlMs);
      const keys = await documents.keysFor('test-key-1');

      expect(issuer.count(JWKS_PATH)).to.equal(2);
      expect(kidsOf(keys)).to.deep.equal(['test-key-1', 'test-key-2']);
    });

    it('keeps discovery while JWKS refreshes', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');

      clock.advance(SETTINGS.jwksTtlMs);
      await documents.keysFor('test-key-1');

      expect(issuer.count(DISCOVERY_PATH)).to.equal(1);
    });

    it('returns all keys without kid', async () => {
      await issuer.addKey('test-key-2');

      expect(kidsOf(await documentsFor().keysFor(undefined))).to.deep.equal(['test-key-1', 'test-key-2']);
    });

    it('drops keys of algorithms not allowed', async () => {
      await issuer.addKey('ec-key-1', 'ES256');
      const documents = documentsFor({}, { ...SETTINGS, algorithms: ['RS256'] });

      expect(kidsOf(await documents.keysFor('test-key-1'))).to.deep.equal(['test-key-1']);
    });
  });

  describe('without waiting', () => {
    it('has no issuer or keys before first use', () => {
      const documents = documentsFor();

      expect(documents.issuerNow(), 'issuer').to.equal(undefined);
      expect(documents.keysNow('test-key-1'), 'keys').to.equal(undefined);
      expect(issuer.requests).to.deep.equal([]);
    });

    it('returns loaded issuer and keys', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');

      expect(documents.issuerNow(), 'issuer').to.equal(issuer.issuer);
      expect(kidsOf(documents.keysNow('test-key-1') ?? []), 'keys').to.deep.equal(['test-key-1']);
    });

    it('has no keys for unknown kid', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');

      expect(documents.keysNow('test-key-2')).to.equal(undefined);
    });

    it('has nothing once TTLs end', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');

      clock.advance(Math.max(SETTINGS.oidcTtlMs, SETTINGS.jwksTtlMs));

      expect(documents.issuerNow(), 'issuer').to.equal(undefined);
      expect(documents.keysNow('test-key-1'), 'keys').to.equal(undefined);
      expect(issuer.count(JWKS_PATH), 'JWKS fetches').to.equal(1);
    });
  });

  describe('unknown key id', () => {
    it('refetches JWKS for unknown kid', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');
      await issuer.addKey('rotated-key');

      const keys = await documents.keysFor('rotated-key');

      expect(issuer.count(JWKS_PATH)).to.equal(2);
      expect(kidsOf(keys)).to.include('rotated-key');
    });

    it('keeps refetched JWKS for known kid', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');
      await issuer.addKey('rotated-key');
      await documents.keysFor('rotated-key');

      await documents.keysFor('rotated-key');

      expect(issuer.count(JWKS_PATH)).to.equal(2);
    });

    it('skips refetch within cooldown', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');
      await documents.keysFor('unknown-1');

      clock.advance(SETTINGS.keyRefetchCooldownMs - 1);
      const keys = await documents.keysFor('unknown-2');

      expect(issuer.count(JWKS_PATH)).to.equal(2);
      expect(kidsOf(keys)).to.deep.equal(['test-key-1']);
    });

    it('refetches again after cooldown', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');
      await documents.keysFor('unknown-1');

      clock.advance(SETTINGS.keyRefetchCooldownMs);
      await documents.keysFor('unknown-2');

      expect(issuer.count(JWKS_PATH)).to.equal(3);
    });

    it('logs refetch with kid', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');

      await documents.keysFor('unknown-1');

      const refetches = logger.lines.filter((line) => line.message === 'Refetching JWKS for an unknown key id');
      expect(refetches.map((line) => line.meta?.kid)).to.deep.equal(['unknown-1']);
    });

    it('fetches JWKS once for unknown kid on cold cache', async () => {
      await documentsFor().keysFor('unknown-1');

      expect(issuer.count(JWKS_PATH)).to.equal(1);
    });
  });

  describe('concurrent first calls', () => {
    it('send one discovery and one JWKS request', async () => {
      const documents = documentsFor();

      await Promise.all([
        documents.issuer(),
        documents.keysFor('test-key-1'),
        documents.keysFor('test-key-1'),
        documents.issuer(),
      ]);

      expect(issuer.count(DISCOVERY_PATH)).to.equal(1);
      expect(issuer.count(JWKS_PATH)).to.equal(1);
    });

    it('share one refetch for unknown kids', async () => {
      const documents = documentsFor();
      await documents.keysFor('test-key-1');

      await Promise.all([documents.keysFor('unknown-1'), documents.keysFor('unknown-2')]);

      expect(issuer.count(JWKS_PATH)).to.equal(2);
    });
  });

  describe('outages', () => {
    const OUTAGE_SETTINGS: DocumentSettings = { ...SETTINGS, maxStaleMs: 3_600_000, retryAfterMs: 5_000, limits: { timeoutMs: 300, maxBytes: 100_000 } };
    const FAILURES = ['refuse', 'hang', 'error500', 'html', 'invalid-json', 'oversized', 'wrong-shape'] as const;

    afterEach(() => {
      issuer.behave('normal');
    });

    async function loadedDocuments(): Promise<ProviderDocuments> {
      const documents = documentsFor({}, OUTAGE_SETTINGS);
      await documents.warmUp();
      return documents;
    }

    for (const failure of FAILURES) {
      it(`serves last good copy when provider answers ${failure}`, async () => {
        const documents = await loadedDocuments();
        issuer.behave(failure);
        clock.advance(OUTAGE_SETTINGS.oidcTtlMs + 1);

        expect(await documents.issuer()).to.equal(issuer.issuer);
        expect(kidsOf(await documents.keysFor('test-key-1'))).to.deep.equal(['test-key-1']);
        expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).to.include(
          'Serving the last good discovery document while the provider fails',
        );
      });
    }

    it('fails without a good copy', async () => {
      issuer.behave('error500');
      const error = await rejectionOf(documentsFor({}, OUTAGE_SETTINGS).issuer());

      expect(error).to.be.instanceOf(DocumentLoadError);
    });

    it('fails past the maximum stale age', async () => {
      const documents = await loadedDocuments();
      issuer.behave('error500');
      clock.advance(SETTINGS.oidcTtlMs + OUTAGE_SETTINGS.maxStaleMs + 1);

      expect(await rejectionOf(documents.issuer())).to.be.instanceOf(DocumentLoadError);
    });

    it('waits the retry interval after a failure', async () => {
      const documents = await loadedDocuments();
      issuer.behave('error500');
      clock.advance(SETTINGS.jwksTtlMs + 1);
      await documents.keysFor('test-key-1');
      const fetchesAfterFailure = issuer.count(JWKS_PATH);

      clock.advance(OUTAGE_SETTINGS.retryAfterMs - 1);
      await documents.keysFor('test-key-1');

      expect(issuer.count(JWKS_PATH)).to.equal(fetchesAfterFailure);
    });

    it('takes new documents once the provider recovers', async () => {
      const documents = await loadedDocuments();
      issuer.behave('error500');
      clock.advance(SETTINGS.jwksTtlMs + 1);
      await documents.keysFor('test-key-1');
      issuer.behave('normal');
      await issuer.addKey('after-recovery');

      clock.advance(OUTAGE_SETTINGS.retryAfterMs);

      expect(kidsOf(await documents.keysFor('test-key-1'))).to.deep.equal(['test-key-1', 'after-recovery']);
    });

    it('keeps last good JWKS when new one has no usable key', async () => {
      const documents = await loadedDocuments();
      issuer.jwks = { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'symmetric' }] };
      clock.advance(SETTINGS.jwksTtlMs + 1);

      expect(kidsOf(await documents.keysFor('test-key-1'))).to.deep.equal(['test-key-1']);
    });

    it('times out a hanging provider', async () => {
      issuer.behave('hang');
      const started = Date.now();
      const error = await rejectionOf(documentsFor({}, OUTAGE_SETTINGS).issuer());

      expect(error).to.be.instanceOf(DocumentLoadError);
      expect(Date.now() - started).to.be.below(OUTAGE_SETTINGS.limits.timeoutMs + 1_000);
    });

    it('rejects a failed refetch for an unknown kid', async () => {
      const documents = await loadedDocuments();
      issuer.behave('error500');

      expect(await rejectionOf(documents.keysFor('rotated-away'))).to.be.instanceOf(DocumentLoadError);
      expect(kidsOf(await documents.keysFor('test-key-1'))).to.deep.equal(['test-key-1']);
    });
  });
});

